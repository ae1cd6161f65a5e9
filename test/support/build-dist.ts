import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The nearest folder above with a package.json: test/support here, dist/ once bundled into the benchmark. */
function packageRoot(dir: string): string {
  return existsSync(path.join(dir, 'package.json')) || path.dirname(dir) === dir ? dir : packageRoot(path.dirname(dir));
}

export const repoRoot = packageRoot(__dirname);

let built = false;

/** Builds dist/ (once per test process) for tests that run the real CLI or the worker thread. */
export function buildDist(): void {
  if (built) return;
  execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  built = true;
}
