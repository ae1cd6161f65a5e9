import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildDist, repoRoot } from './build-dist';
import { testModels } from './models';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is one JSON object. */
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields of the command it ran.
  json?: any;
}

/** Runs the built CLI (dist/cli.js) as a user would, with the provisioned real models. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: {
    cwd?: string /** Each piece of stdout as it arrives, to see that output streams. */;
    onStdout?: (text: string) => void;
  } = {},
): Promise<CliResult> {
  buildDist();
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], {
    env: { ...process.env, REPOSAGE_MODELS_DIR: testModels().modelsDir, ...env },
    cwd: options.cwd,
  });
  // Decoded as a stream, so a character split between two reads stays whole.
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: string) => {
    stdout += data;
    options.onStdout?.(data);
  });
  child.stderr.on('data', (data) => (stderr += data));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr, json: parseJson(stdout) };
}

/** stdout as JSON when it is one JSON object, else undefined. */
export function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}
