import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main';
import { parseJson } from './run-cli';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is one JSON object. */
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields of the command it ran.
  json?: any;
}

/** Runs `reposage ARGS` in this process, as the CLI's main does, capturing what it prints. */
export async function runCliInProcess(args: string[], signal = new AbortController().signal): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (data) => (stdout += data));
  const err = new PassThrough().on('data', (data) => (stderr += data));
  const code = await runCli(args, { stdout: out, stderr: err, signal });
  // PassThrough delivers the last writes on a later tick.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout, stderr, json: parseJson(stdout) };
}
