import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { RepoSageError } from '../errors';

/** One library in dist/native/natives.json, as test/support/pack-natives.mjs wrote it. */
interface PackedLibrary {
  /** The brotli file, in dist/native. */
  file: string;
  /** Where its package loads it from, relative to the extension's root. */
  target: string;
  bytes: number;
  sha256: string;
}

/**
 * The VSIX carries LanceDB's and onnxruntime's native libraries brotli-compressed (20 MB smaller than
 * the zip's own deflate leaves them; see test/support/pack-natives.mjs). Unpacks each that is not yet
 * in place, where its package loads it from, before anything loads them: once, on the first start
 * after an install. A checkout has no dist/native/natives.json (or has the libraries already), so
 * there this does nothing. Each is written to a temporary file, checked, and renamed into place, so
 * two windows starting at once, or a start cut short, never leave a partial library behind.
 */
export async function unpackNatives(extensionRoot: string): Promise<void> {
  const manifest = path.join(extensionRoot, 'dist', 'native', 'natives.json');
  const text = await fs.readFile(manifest, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return;
  for (const library of JSON.parse(text) as PackedLibrary[]) {
    const target = path.join(extensionRoot, library.target);
    if (await exists(target)) continue;
    try {
      await unpack(path.join(extensionRoot, 'dist', 'native', library.file), target, library);
    } catch (error) {
      throw new RepoSageError(
        'INSTALL_INCOMPLETE',
        `RepoSage could not unpack its native library ${path.basename(target)} into ${path.dirname(target)}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        'Make the extension folder writable, or reinstall the extension.',
        { cause: error },
      );
    }
  }
}

async function unpack(packed: string, target: string, library: PackedLibrary): Promise<void> {
  const temporary = `${target}.${process.pid}.unpacking`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      createReadStream(packed),
      createBrotliDecompress(),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(temporary, { mode: 0o755 }),
    );
    const sha256 = hash.digest('hex');
    if (bytes !== library.bytes || sha256 !== library.sha256)
      throw new Error(`${path.basename(packed)} is damaged (${bytes} bytes, sha256 ${sha256})`);
    await fs.rename(temporary, target);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
