import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..', '..');

/**
 * Packages the extension with `npm run package`, exactly as it ships, so the tests exercise the
 * VSIX a user installs: its .vscodeignore, bundled dependencies and bundled models.
 */
export async function packageVsix(outFile: string): Promise<void> {
  await run('npm', ['run', 'package', '--', '--out', outFile], {
    cwd: REPO,
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}
