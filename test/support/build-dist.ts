import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

let built = false;

/** Builds dist/ (once per test process) for tests that run the real CLI or the worker thread. */
export function buildDist(): void {
  if (built) return;
  execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  built = true;
}
