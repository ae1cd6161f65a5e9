import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The linux-x64 VSIX as `npm run package` builds it: what it holds by package (uncompressed, as
 * `vsce ls` lists it) and its size beside the goal, printed by the packaging step's own table
 * (test/support/package-size.mjs), so growth shows in every bench run.
 */
export async function benchPackage(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reposage-package-'));
  try {
    const vsix = path.join(dir, 'reposage.vsix');
    execFileSync('npm', ['run', 'package', '--', '--out', vsix], { stdio: 'ignore' });
    process.stdout.write(execFileSync(process.execPath, ['test/support/package-size.mjs', vsix], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
