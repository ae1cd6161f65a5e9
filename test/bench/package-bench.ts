import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error: a plain ES module script (also the postpackage step), without type declarations.
import { LIMIT, sizeByPackage } from '../support/package-size.mjs';
import { printTable } from './table';

interface PackageRow {
  name: string;
  files: number;
  bytes: number;
}

/**
 * The linux-x64 VSIX as `npm run package` builds it: its size against the goal, and what it holds
 * by package (uncompressed, as `vsce ls` lists it), so growth shows in every bench run.
 */
export async function benchPackage(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reposage-package-'));
  try {
    const vsix = path.join(dir, 'reposage.vsix');
    execFileSync('npm', ['run', 'package', '--', '--out', vsix], { stdio: 'ignore', maxBuffer: 64 * 1024 * 1024 });
    const rows = sizeByPackage() as PackageRow[];
    const bytes = statSync(vsix).size;
    printTable([
      {
        figure: 'VSIX linux-x64, bytes',
        value: bytes.toLocaleString('en'),
        goal: `<= ${LIMIT.toLocaleString('en')}`,
        met: bytes <= LIMIT ? 'yes' : 'no',
      },
    ]);
    process.stdout.write('\n');
    printTable(
      rows.slice(0, 12).map((row) => ({ package: row.name, files: row.files, 'MB uncompressed': row.bytes / 1e6 })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
