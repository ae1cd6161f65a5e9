import { describe, expect, it } from 'vitest';
import { recentEditOf } from '../../src/extension/completion/recent-edit';

function documentOf(text: string) {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineAt: (line: number) => lines[line] };
}

const AFTER = [
  'export function total(items: Item[]): number {',
  '  let sum = 0;',
  '  for (const item of items) sum += item.price * item.count;',
  '  return sum;',
  '}',
].join('\n');

describe('recent edits fed to the completion session', () => {
  it('takes the changed line with one line around it, 1-based, as the lines are now', () => {
    // The user typed "* item.count" on line 3 (0-based 2).
    expect(recentEditOf('src/cart.ts', { startLine: 2, text: ' * item.count' }, documentOf(AFTER))).toEqual({
      path: 'src/cart.ts',
      startLine: 2,
      endLine: 4,
      text: ['  let sum = 0;', '  for (const item of items) sum += item.price * item.count;', '  return sum;'].join(
        '\n',
      ),
    });
  });

  it('covers every line a multi-line insertion left, clamped to the document', () => {
    const edit = recentEditOf(
      'src/cart.ts',
      { startLine: 0, text: 'export function total(items: Item[]): number {\n  let sum = 0;' },
      documentOf(AFTER),
    );
    expect(edit).toMatchObject({ startLine: 1, endLine: 3 });
    const atEnd = recentEditOf('src/cart.ts', { startLine: 4, text: '}' }, documentOf(AFTER));
    expect(atEnd).toMatchObject({ startLine: 4, endLine: 5 });
  });

  it('keeps only the start of a large paste', () => {
    const pasted = Array.from({ length: 200 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const edit = recentEditOf('src/big.ts', { startLine: 0, text: pasted }, documentOf(pasted))!;
    expect(edit.endLine - edit.startLine + 1).toBe(30);
    expect(edit.text.startsWith('const v0 = 0;')).toBe(true);
  });

  it('skips a change that left only blank lines', () => {
    expect(recentEditOf('src/a.ts', { startLine: 1, text: '' }, documentOf('\n\n\n'))).toBeUndefined();
  });
});
