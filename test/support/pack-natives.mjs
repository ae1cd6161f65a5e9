// Packs the two largest native libraries for the VSIX: LanceDB's (174 MB) and onnxruntime's (46 MB).
// The VSIX is a zip, deflated; brotli shrinks LanceDB's library to 42 MB where deflate leaves 65 MB,
// which is what brings the linux-x64 VSIX under 90 MB with the embedding model still bundled. Each
// library is stripped of its symbol table (only debuggers and backtraces read it; the dynamic symbols
// that loading needs stay), brotli-compressed into dist/native/, and listed in dist/native/natives.json
// with the path its package loads it from; .vscodeignore leaves the originals out of the VSIX, and the
// extension unpacks each once, on its first start (src/core/native/unpack-natives.ts).
// node_modules is never written: the stripped copy is a temporary file. Compressing takes about a
// minute; a rerun reuses the packed files while the libraries in node_modules are unchanged.
// Usage: node test/support/pack-natives.mjs
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants, createBrotliCompress } from 'node:zlib';

const require = createRequire(import.meta.url);
const ROOT = path.dirname(path.dirname(path.dirname(new URL(import.meta.url).pathname)));
const OUT = path.join(ROOT, 'dist', 'native');
export const MANIFEST = path.join(OUT, 'natives.json');

/** The libraries packed, by the path (from the extension's root) their packages load them from. */
export function packedLibraries() {
  const ort = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return [
    require.resolve('@lancedb/lancedb-linux-x64-gnu'),
    path.join(ort, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime.so.1'),
  ].map((file) => path.relative(ROOT, file));
}

async function sha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** A copy without the symbol table, or the file itself where binutils' strip is not installed. */
function stripped(file, dir) {
  const copy = path.join(dir, path.basename(file));
  try {
    execFileSync('strip', ['--strip-unneeded', '-o', copy, file], { stdio: ['ignore', 'ignore', 'pipe'] });
    return copy;
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    console.warn(`pack-natives: strip (binutils) is not installed; ${path.basename(file)} ships with its symbols`);
    return file;
  }
}

async function pack(target, previous, tmp) {
  const source = path.join(ROOT, target);
  const sourceSha256 = await sha256(source);
  const file = `${path.basename(target)}.br`;
  if (previous?.sourceSha256 === sourceSha256 && previous.file === file && existsSync(path.join(OUT, file)))
    return previous;
  const input = stripped(source, tmp);
  const bytes = statSync(input).size;
  await pipeline(
    createReadStream(input),
    createBrotliCompress({
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 9,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes,
      },
    }),
    createWriteStream(path.join(OUT, `${file}.partial`)),
  );
  // Renamed into place only once whole, so a run cut short is not taken for a packed library.
  renameSync(path.join(OUT, `${file}.partial`), path.join(OUT, file));
  return { file, target, bytes, sha256: await sha256(input), sourceSha256 };
}

export async function packNatives() {
  mkdirSync(OUT, { recursive: true });
  const previous = existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')) : [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'reposage-natives-'));
  try {
    const entries = [];
    for (const target of packedLibraries())
      entries.push(
        await pack(
          target,
          previous.find((entry) => entry.target === target),
          tmp,
        ),
      );
    writeFileSync(MANIFEST, `${JSON.stringify(entries, null, 2)}\n`);
    return entries;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await packNatives();
