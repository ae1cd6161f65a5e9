import { Command, CommanderError } from '@commander-js/extra-typings';
import { isCancellation, type KnobWording, RepoSageError } from '../core/errors';
import { registerAskCommand } from './commands/ask-command';
import { registerCompleteCommand } from './commands/complete-command';
import { registerDoctorCommand } from './commands/doctor-command';
import { registerEvalCommand } from './commands/eval-command';
import { registerGoldenCommand } from './commands/golden-command';
import { registerIndexCommand } from './commands/index-command';
import { registerQueryCommand } from './commands/query-command';
import { registerStatusCommand } from './commands/status-command';
import { registerStyleCommand } from './commands/style-command';
import type { CliStreams } from './context';
import { terminalSafe } from './terminal-text';

/**
 * Exit codes, also in `reposage --help`:
 * 0 done; 1 the command failed (the message says why and what to do); 2 the command line is wrong
 * (unknown command or flag, a bad or missing value); 130 interrupted (Ctrl+C).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

const EXIT_HELP = `
Exit codes:
  0    done
  1    the command failed; the message on stderr says why and what to change
  2    the command line is wrong (unknown command or flag, a bad or missing value)
  130  interrupted (Ctrl+C)

Run \`reposage <command> --help\` for a command's arguments and flags.`;

/** How the CLI words the things a core error tells the user to change. */
export const CLI_WORDING: KnobWording = {
  ollamaHost: '--ollama URL',
  model: '--model NAME',
  completionModel: '--model NAME',
  modelsDir: '--models DIR',
};

/** The whole command line, declared once: commander derives the typed values, `--help` and the usage errors. */
export function buildProgram(streams: CliStreams): Command {
  const program = new Command('reposage')
    .description(
      'RepoSage: a local codebase assistant. Answers and searches come from your repository, on your machine.',
    )
    .addHelpText('after', EXIT_HELP)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      // Usage errors are worded and written by reportError, once.
      writeErr: () => {},
      outputError: () => {},
    });
  for (const register of [
    registerIndexCommand,
    registerStatusCommand,
    registerDoctorCommand,
    registerQueryCommand,
    registerAskCommand,
    registerCompleteCommand,
    registerEvalCommand,
    registerGoldenCommand,
    registerStyleCommand,
  ]) {
    register(program, streams);
  }
  return program;
}

/** Runs one command line to its exit code: results on stdout, progress and errors on stderr. */
export async function runCli(argv: string[], streams: CliStreams): Promise<number> {
  const program = buildProgram(streams);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return reportError(streams, program, argv, error);
  }
}

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    return await runCli(argv, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** Writes one line on stderr (and, with --json, one JSON object on stdout) and returns the exit code. */
function reportError(streams: CliStreams, program: Command, argv: string[], error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end this way too, with their text already on stdout.
    if (error.exitCode === 0) return EXIT.ok;
    return report(streams, argv, 'INVALID_INPUT', usageMessage(program, argv, error), EXIT.usage);
  }
  if (isCancellation(error)) return report(streams, argv, 'CANCELLED', 'Cancelled.', EXIT.interrupted);
  if (error instanceof RepoSageError)
    return report(streams, argv, error.code, error.describe(CLI_WORDING), EXIT.failed);
  const detail = error instanceof Error ? error.message : String(error);
  return report(streams, argv, 'UNEXPECTED', `Unexpected error: ${detail}`, EXIT.failed);
}

function report(streams: CliStreams, argv: string[], code: string, message: string, exitCode: number): number {
  if (argv.includes('--json')) streams.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  streams.stderr.write(`reposage: ${terminalSafe(message.split('\n')[0])}\n`);
  return exitCode;
}

/** "Option '--k <n>' argument '-1' is invalid. It must be … Usage: reposage query [options] <text> [dir]; …" */
function usageMessage(program: Command, argv: string[], error: CommanderError): string {
  const command = commandFor(program, argv);
  const name = commandPath(command);
  if (error.code === 'commander.unknownCommand' || error.code === 'commander.help') {
    // commander.help: a command that needs a subcommand was given none.
    const what =
      error.code === 'commander.help'
        ? `No command given${command === program ? '' : ` to ${name}`}.`
        : sentence(error.message);
    const names = command.commands.map((c) => c.name()).filter((n) => n !== 'help');
    return `${what} Commands: ${names.join(', ')}; see \`${name} --help\`.`;
  }
  return `${sentence(error.message)} Usage: ${name} ${command.usage()}; see \`${name} --help\`.`;
}

/** commander's "error: unknown option '--x'" as a sentence: "Unknown option '--x'." */
function sentence(message: string): string {
  const text = message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.?!]$/.test(text) ? '' : '.'}`;
}

/** The deepest (sub)command the arguments name: `style compare` for `style compare --bogus`. */
function commandFor(program: Command, argv: string[]): Command {
  let command: Command = program;
  for (const arg of argv) {
    const sub = command.commands.find((c) => c.name() === arg) as Command | undefined;
    if (!sub) break;
    command = sub;
  }
  return command;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent as Command | null) names.unshift(c.name());
  return names.join(' ');
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
