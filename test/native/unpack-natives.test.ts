import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { unpackNatives } from '../../src/core/native/unpack-natives';
import { makeTempDir, writeTree } from '../support/temp-dir';

const TARGET = 'node_modules/native-lib/lib.node';

/** An installed extension as the VSIX leaves it: the library packed in dist/native, not in place. */
async function installed(root: string, library: Buffer, packed = brotliCompressSync(library)): Promise<void> {
  await writeTree(root, {
    'dist/native/lib.node.br': packed,
    'dist/native/natives.json': JSON.stringify([
      {
        file: 'lib.node.br',
        target: TARGET,
        bytes: library.length,
        sha256: createHash('sha256').update(library).digest('hex'),
      },
    ]),
    'node_modules/native-lib/package.json': '{"main":"lib.node"}',
  });
}

describe('unpacking the native libraries the VSIX ships compressed', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  const library = randomBytes(300_000);

  beforeEach(async () => {
    ({ dir: root, cleanup } = await makeTempDir('reposage-natives-'));
  });
  afterEach(() => cleanup());

  it('puts each library where its package loads it from, executable, with nothing else left behind', async () => {
    await installed(root, library);
    await unpackNatives(root);
    const target = path.join(root, TARGET);
    expect((await fs.readFile(target)).equals(library)).toBe(true);
    expect((await fs.stat(target)).mode & 0o111).not.toBe(0);
    expect(await fs.readdir(path.dirname(target))).toEqual(['lib.node', 'package.json']);
  });

  it('unpacks once: a library in place is left as it is', async () => {
    await installed(root, library);
    const inPlace = Buffer.from('the library a checkout installed');
    await writeTree(root, { [TARGET]: inPlace });
    await unpackNatives(root);
    expect((await fs.readFile(path.join(root, TARGET))).equals(inPlace)).toBe(true);
  });

  it('does nothing in a checkout, which has no packed libraries', async () => {
    await writeTree(root, { 'dist/extension.js': '' });
    await expect(unpackNatives(root)).resolves.toBeUndefined();
  });

  it('refuses a damaged packed file and leaves no partial library', async () => {
    const other = randomBytes(library.length);
    await installed(root, library, brotliCompressSync(other));
    const error = await unpackNatives(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepoSageError);
    expect((error as RepoSageError).code).toBe('INSTALL_INCOMPLETE');
    expect((error as RepoSageError).message).toMatch(/lib\.node\.br is damaged/);
    expect(await fs.readdir(path.join(root, 'node_modules/native-lib'))).toEqual(['package.json']);
  });

  it('says which folder it could not write and what to do', async () => {
    await installed(root, library);
    // A file where the library's folder should be: the write fails as in a read-only install.
    await fs.rm(path.join(root, 'node_modules/native-lib'), { recursive: true });
    await fs.writeFile(path.join(root, 'node_modules/native-lib'), '');
    const error = (await unpackNatives(root).catch((e: unknown) => e)) as RepoSageError;
    expect(error.code).toBe('INSTALL_INCOMPLETE');
    expect(error.message).toContain(path.join(root, 'node_modules', 'native-lib'));
    expect(error.hint).toMatch(/writable|reinstall/);
  });
});
