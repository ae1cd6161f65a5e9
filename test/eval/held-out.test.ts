import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapGoldenSet } from '../../src/core/eval/bootstrap';
import { writeHeldOutCopy } from '../../src/core/eval/held-out';
import { makeTempDir, writeTree } from '../support/temp-dir';

const SOURCE = {
  'pkg/retry.py': [
    'import time',
    '',
    '',
    'def backoff_delay(attempt):',
    '    """Compute how many seconds to sleep before the next attempt of a failed call.',
    '',
    '    Grows exponentially.',
    '    """',
    '    return 2 ** attempt',
    '',
    '',
    'class Abstract:',
    '    def handler(self):',
    '        """Handle one incoming message from the queue and acknowledge it."""',
    '',
    '',
    'def inline(): """Return the answer to everything in the known universe."""',
    '',
  ].join('\n'),
  'web/page.ts': [
    'export class Page {',
    '  /**',
    '   * Scrolls the viewport smoothly until the given element is fully visible.',
    '   */',
    '  reveal(id: string): void {',
    '    document.getElementById(id)?.scrollIntoView();',
    '  }',
    '}',
    '',
  ].join('\n'),
  'notes.txt': 'Not code, copied as it is.\n',
};

describe('writeHeldOutCopy', () => {
  let root: string;
  let dest: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    dest = path.join(temp.dir, 'held-out');
    await writeTree(root, SOURCE);
  });
  afterAll(() => cleanup());

  it('blanks the docs behind the questions, keeping every line of code where it was', async () => {
    const { questions } = await bootstrapGoldenSet({ root });
    expect(questions.map((q) => q.id).sort()).toEqual([
      'pkg/retry.py#backoff_delay:4',
      'pkg/retry.py#handler:13',
      'pkg/retry.py#inline:17',
      'web/page.ts#reveal:5',
    ]);

    const result = await writeHeldOutCopy({ root, questions, dest });
    // The one-line function's docstring shares its line with code: it cannot be taken out alone.
    expect(result.questions.map((q) => q.id)).toEqual(
      questions.map((q) => q.id).filter((id) => !id.endsWith('#inline:17')),
    );
    expect(result).toMatchObject({ files: 3, skipped: 1 });

    for (const file of Object.keys(SOURCE)) {
      const original = (await fs.readFile(path.join(root, file), 'utf8')).split('\n');
      const copy = (await fs.readFile(path.join(dest, file), 'utf8')).split('\n');
      expect(copy, file).toHaveLength(original.length);
      for (const [i, line] of copy.entries()) {
        if (line !== original[i]) expect(line.trim(), `${file}:${i + 1}`).toMatch(/^(""|)$/);
      }
    }
    const python = await fs.readFile(path.join(dest, 'pkg/retry.py'), 'utf8');
    const typescript = await fs.readFile(path.join(dest, 'web/page.ts'), 'utf8');
    expect(python).not.toContain('seconds to sleep');
    expect(python).not.toContain('incoming message');
    expect(python).toContain('answer to everything');
    // A body that held only its docstring stays valid Python.
    expect(python).toContain('    def handler(self):\n        ""\n');
    expect(typescript).not.toContain('Scrolls');
    expect(typescript).toContain('  reveal(id: string): void {');
  });

  it('refuses to write over an existing folder', async () => {
    await expect(writeHeldOutCopy({ root, questions: [], dest: root })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
