import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTextFile, walkWorkspace } from '../../src/core/files';
import { makeTempDir, writeTree } from '../support/temp-dir';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('reposage-read-'));
});

afterEach(async () => {
  await cleanup();
});

async function read(name: string, content: string | Buffer, maxBytes?: number) {
  await writeTree(root, { [name]: content });
  return readTextFile(path.join(root, name), maxBytes);
}

describe('decoding', () => {
  it('reads UTF-8 and drops a byte order mark', async () => {
    expect(await read('plain.ts', 'const café = "✓";\n')).toEqual({ text: 'const café = "✓";\n' });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# Titre é\n')]);
    expect(await read('bom.md', withBom)).toEqual({ text: '# Titre é\n' });
  });

  it('falls back to Latin-1 when the bytes are not valid UTF-8', async () => {
    // "café naïve" as Windows editors save it: é and ï are single bytes, invalid in UTF-8.
    expect(await read('legacy.txt', Buffer.from('café naïve\n', 'latin1'))).toEqual({ text: 'café naïve\n' });
  });

  it('reads UTF-16 little- and big-endian files that start with a byte order mark', async () => {
    const text = 'Größe: 42 €\r\n';
    const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bigEndian = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    expect(await read('le.txt', littleEndian)).toEqual({ text });
    expect(await read('be.txt', bigEndian)).toEqual({ text });
  });

  it('treats colour codes and form feeds as text', async () => {
    const log = '\x1b[32mok\x1b[0m build finished\n\f\nnext page\n';
    expect(await read('build.log', log)).toEqual({ text: log });
  });
});

describe('content that is not worth indexing', () => {
  it('skips binary content whatever the extension says', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect(await read('logo.png', png)).toEqual({ skipped: 'binary' });
    expect(await read('data.txt', Buffer.concat([Buffer.from('header\n'), png]))).toEqual({ skipped: 'binary' });
    const controlHeavy = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    expect(await read('packed.txt', controlHeavy)).toEqual({ skipped: 'binary' });
  });

  it('passes binary files through the walk and skips them on reading', async () => {
    await writeTree(root, {
      'src/a.ts': 'export const a = 1;\n',
      'assets/icon.txt': Buffer.from([0x00, 0x01, 0x02, 0xff]),
    });
    const { files } = await walkWorkspace(root, {});
    const reads = await Promise.all(files.map(async (file) => [file.path, await readTextFile(file.absolutePath)]));
    expect(reads).toEqual([
      ['assets/icon.txt', { skipped: 'binary' }],
      ['src/a.ts', { text: 'export const a = 1;\n' }],
    ]);
  });

  it('skips files over the limit before reading them', async () => {
    expect(await read('big.ts', 'x'.repeat(11), 10)).toEqual({ skipped: 'too-large' });
    expect(await read('fits.ts', 'x'.repeat(10), 10)).toEqual({ text: 'x'.repeat(10) });
  });

  it('skips JavaScript and CSS whose lines are too long to be hand-written', async () => {
    const bundle = 'var a=1;'.repeat(1000);
    expect(await read('vendor-bundle.js', bundle)).toEqual({ skipped: 'minified' });
    expect(await read('theme.css', '.a{color:red}'.repeat(500))).toEqual({ skipped: 'minified' });
    expect(await read('data.ts', bundle)).toEqual({ text: bundle });
    const handWritten = 'const a = 1;\n'.repeat(500);
    expect(await read('app.js', handWritten)).toEqual({ text: handWritten });
    expect(await read('index.js', "module.exports = require('./lib');")).toEqual({
      text: "module.exports = require('./lib');",
    });
  });
});

describe('files that cannot be read', () => {
  it('reports a file deleted since the walk, or a folder in its place, as unreadable', async () => {
    await writeTree(root, { 'gone.ts': 'x', 'folder/inner.ts': 'x' });
    const { files } = await walkWorkspace(root, {});
    await fs.rm(path.join(root, 'gone.ts'));
    expect(await readTextFile(files.find((file) => file.path === 'gone.ts')!.absolutePath)).toEqual({
      skipped: 'unreadable',
    });
    expect(await readTextFile(path.join(root, 'folder'))).toEqual({ skipped: 'unreadable' });
  });

  it('reports a file without read permission as unreadable', async ({ skip }) => {
    await writeTree(root, { 'locked.ts': 'x' });
    const locked = path.join(root, 'locked.ts');
    await fs.chmod(locked, 0o000);
    const privileged = await fs.readFile(locked).then(
      () => true,
      () => false,
    );
    if (privileged) skip('running as root: chmod 000 does not stop reads');
    expect(await readTextFile(locked)).toEqual({ skipped: 'unreadable' });
  });
});
