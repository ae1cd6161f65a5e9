// Prints what the VSIX holds, by package, largest first, so that growth is visible in every
// packaging run: `vsce ls` lists the files the package takes (after .vscodeignore), and the
// .vsix, when one was built, gives the compressed total. Usage: node test/support/package-size.mjs [file.vsix]
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const LIMIT = 90_000_000;

export function sizeByPackage(cwd = process.cwd()) {
  const vsce = path.join(cwd, 'node_modules', '.bin', 'vsce');
  const files = execFileSync(vsce, ['ls'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean);
  const groups = new Map();
  for (const file of files) {
    const parts = file.split('/');
    // A package of node_modules, a folder of dist (the bundled models, the packed native libraries), or a top folder.
    const key =
      parts[0] === 'node_modules'
        ? parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/')
        : parts[0] === 'dist' && parts.length > 2
          ? parts.slice(0, 2).join('/')
          : parts[0];
    const entry = groups.get(key) ?? { files: 0, bytes: 0 };
    entry.files += 1;
    entry.bytes += statSync(path.join(cwd, file)).size;
    groups.set(key, entry);
  }
  return [...groups].map(([name, entry]) => ({ name, ...entry })).sort((a, b) => b.bytes - a.bytes);
}

function mb(bytes) {
  return (bytes / 1e6).toFixed(2).padStart(8);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = sizeByPackage();
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log('VSIX contents by package (uncompressed MB, files):');
  for (const row of rows.slice(0, 25)) console.log(`${mb(row.bytes)}  ${String(row.files).padStart(5)}  ${row.name}`);
  if (rows.length > 25)
    console.log(
      `${mb(rows.slice(25).reduce((s, r) => s + r.bytes, 0))}  ` +
        `${String(rows.slice(25).reduce((s, r) => s + r.files, 0)).padStart(5)}  (${rows.length - 25} more)`,
    );
  console.log(`${mb(total)}  ${String(rows.reduce((s, r) => s + r.files, 0)).padStart(5)}  total, uncompressed`);
  const vsix =
    process.argv[2] ??
    readdirSync('.')
      .filter((f) => f.endsWith('.vsix'))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (vsix) {
    const size = statSync(vsix).size;
    console.log(
      `${vsix}: ${size.toLocaleString('en')} bytes (goal ≤ ${LIMIT.toLocaleString('en')}: ` +
        `${size <= LIMIT ? 'met' : 'NOT met'})`,
    );
  }
}
