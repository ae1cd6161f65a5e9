import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveInsideWorkspace } from '../../src/extension/chat/workspace-path';
import { makeTempDir, writeTree } from '../support/temp-dir';

describe('resolveInsideWorkspace', () => {
  let base: string;
  let cleanup: () => Promise<void>;
  let root: string;
  let second: string;

  beforeEach(async () => {
    ({ dir: base, cleanup } = await makeTempDir());
    root = path.join(base, 'repo');
    second = path.join(base, 'other');
    await writeTree(base, {
      'repo/src/a.ts': 'export const a = 1;\n',
      'repo/..notes.md': 'dots in a name are fine\n',
      'other/lib/b.py': 'b = 2\n',
      'secret.txt': 'outside every root\n',
    });
    await fs.symlink(path.join(base, 'secret.txt'), path.join(root, 'src', 'escape.txt'));
    await fs.symlink(path.join(root, 'src', 'a.ts'), path.join(root, 'alias.ts'));
  });
  afterEach(() => cleanup());

  it('finds a file in the first root that has it', async () => {
    expect(await resolveInsideWorkspace([root, second], 'src/a.ts')).toBe(path.join(root, 'src', 'a.ts'));
    expect(await resolveInsideWorkspace([root, second], 'lib/b.py')).toBe(path.join(second, 'lib', 'b.py'));
    expect(await resolveInsideWorkspace([root], '..notes.md')).toBe(path.join(root, '..notes.md'));
    expect(await resolveInsideWorkspace([root], 'alias.ts')).toBe(path.join(root, 'alias.ts'));
  });

  it.each([
    '../secret.txt',
    'src/../../secret.txt',
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    'src/escape.txt',
    'src',
    'src/missing.ts',
    'src/a.ts\0.png',
    '',
  ])('refuses %j', async (relative) => {
    expect(await resolveInsideWorkspace([root, second], relative)).toBeUndefined();
  });
});
