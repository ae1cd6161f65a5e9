import { parseArgs } from 'node:util';
import { RepoSageError } from '../core/errors';
import type { CommandSpec } from './command';
import { askCommand } from './commands/ask-command';
import { completeCommand } from './commands/complete-command';
import { doctorCommand } from './commands/doctor-command';
import { evalCommand } from './commands/eval-command';
import { goldenCommand } from './commands/golden-command';
import { indexCommand } from './commands/index-command';
import { queryCommand } from './commands/query-command';
import { statusCommand } from './commands/status-command';
import { styleCommand } from './commands/style-command';
import type { CliContext } from './context';
import { terminalSafe } from './terminal-text';

const commands: CommandSpec[] = [
  indexCommand,
  statusCommand,
  doctorCommand,
  queryCommand,
  askCommand,
  completeCommand,
  evalCommand,
  goldenCommand,
  styleCommand,
];

function help(): string {
  return ['RepoSage: a local codebase assistant.', '', 'Commands:', ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stdout.write(`${help()}\n`);
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const json = rest.includes('--json');
  const ctx: CliContext = { json, stdout: process.stdout, stderr: process.stderr, signal: controller.signal };
  try {
    const parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { ...command.options, json: { type: 'boolean' } },
    });
    await command.run(ctx, parsed);
    return 0;
  } catch (error) {
    reportError(ctx, error, command);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function reportError(ctx: CliContext, error: unknown, command: CommandSpec): void {
  const message = error instanceof RepoSageError
    ? error.describe()
    : error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
      ? `${error.message}. Usage: ${command.usage}`
      : `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  if (ctx.json) {
    const code = error instanceof RepoSageError ? error.code : 'UNEXPECTED';
    ctx.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  }
  ctx.stderr.write(`reposage: ${terminalSafe(message.split('\n')[0])}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
