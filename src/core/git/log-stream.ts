import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { throwIfCancelled } from '../errors';

/**
 * Record separators around each commit's header in a log format such as `%x1e%H%n%B%x1f`: %x1e
 * opens the header line, %x1f closes the message.
 */
const COMMIT_START = '\u001e';
export const MESSAGE_END = '\u001f';

/** A commit's header line (after %x1e) and the lines up to %x1f; or one line of the patch after them. */
export type LogEntry = { head: string; body: string[] } | { line: string };

/**
 * Runs `git <args>` (a `log` whose format frames each commit as above) and streams it, so a long
 * history is never held whole. When git fails and the read was not cancelled, `failed` words the
 * error to throw; without it a failure ends the stream quietly (for callers to whom history is optional).
 */
export async function* readGitLog(
  cwd: string,
  args: string[],
  options: { signal?: AbortSignal; failed?: (detail: string) => Error } = {},
): AsyncGenerator<LogEntry> {
  const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
  let stderr = '';
  child.stderr.on('data', (data) => (stderr += data));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code));
  });
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  let commit: { head: string; body: string[] } | undefined;
  try {
    for await (const line of lines) {
      throwIfCancelled(options.signal);
      if (line.startsWith(COMMIT_START)) {
        // A header whose message never ended is still a commit.
        if (commit) yield commit;
        commit = { head: line.slice(1).trim(), body: [] };
      } else if (commit) {
        const end = line.indexOf(MESSAGE_END);
        commit.body.push(end === -1 ? line : line.slice(0, end));
        if (end !== -1) {
          yield commit;
          commit = undefined;
        }
      } else {
        yield { line };
      }
    }
    if (commit) yield commit;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0 && code !== null && !options.signal?.aborted && options.failed) {
    throw options.failed(stderr.trim() || `exit code ${code}`);
  }
}
