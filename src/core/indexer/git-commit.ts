import { execFile } from 'node:child_process';

/** The commit checked out at root, or undefined when root is not a git checkout (or git is missing). */
export function gitCommit(root: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--verify', 'HEAD'], { cwd: root, timeout: 10_000 }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim() || undefined);
    });
  });
}
