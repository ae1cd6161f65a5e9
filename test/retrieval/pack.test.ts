import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunking/chunk';
import { packContext } from '../../src/core/retrieval/pack';

/** A chunk as the chunker makes it: a header line, then the code of lines start..start+n-1. */
function chunk(path: string, startLine: number, code: string[]): Chunk {
  const endLine = startLine + code.length - 1;
  return {
    id: `${path}:${startLine}`,
    path,
    language: 'typescript',
    startLine,
    endLine,
    contentHash: `${path}:${startLine}`,
    text: [`// ${path}:${startLine}-${endLine}`, ...code].join('\n'),
  };
}

const lines = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `const ${prefix}${i} = ${i}; // ${prefix} line ${i}`);
const generous = { budgetTokens: 100_000 };

describe('packContext', () => {
  it('numbers blocks best first and keeps path and lines for citations', () => {
    const { blocks } = packContext(
      [chunk('src/b.ts', 10, lines('b', 3)), chunk('src/a.ts', 1, lines('a', 2))],
      generous,
    );
    expect(blocks).toEqual([
      { n: 1, path: 'src/b.ts', startLine: 10, endLine: 12, text: lines('b', 3).join('\n'), chunkIds: ['src/b.ts:10'] },
      { n: 2, path: 'src/a.ts', startLine: 1, endLine: 2, text: lines('a', 2).join('\n'), chunkIds: ['src/a.ts:1'] },
    ]);
  });

  it('merges adjacent and overlapping chunks of one file into one block', () => {
    const code = lines('x', 30);
    const result = packContext(
      [
        chunk('src/x.ts', 11, code.slice(10, 20)), // lines 11-20
        chunk('src/other.ts', 1, lines('o', 2)),
        chunk('src/x.ts', 21, code.slice(20, 30)), // 21-30: touches 11-20
        chunk('src/x.ts', 1, code.slice(0, 12)), // 1-12: overlaps 11-20
      ],
      generous,
    );
    expect(result.blocks.map((b) => [b.n, b.path, b.startLine, b.endLine])).toEqual([
      [1, 'src/x.ts', 1, 30],
      [2, 'src/other.ts', 1, 2],
    ]);
    expect(result.blocks[0].text).toBe(code.join('\n'));
    expect(result.blocks[0].chunkIds).toEqual(['src/x.ts:11', 'src/x.ts:21', 'src/x.ts:1']);
  });

  it('joins two blocks when a chunk fills the lines between them', () => {
    const code = lines('y', 30);
    const { blocks } = packContext(
      [
        chunk('src/y.ts', 1, code.slice(0, 10)),
        chunk('src/y.ts', 21, code.slice(20)),
        chunk('src/y.ts', 11, code.slice(10, 20)),
      ],
      generous,
    );
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ n: 1, startLine: 1, endLine: 30, text: code.join('\n') });
  });

  it('drops exact and near duplicates, and chunks inside a packed block', () => {
    const body = lines('dup', 20);
    const nearly = [...body.slice(0, 19), 'const changed = true;'];
    const result = packContext(
      [
        chunk('lib/dom.d.ts', 100, body),
        chunk('lib/webworker.d.ts', 300, body), // the same code in another file
        chunk('lib/worker.d.ts', 50, nearly), // 19 of 21 distinct lines shared
        chunk('lib/dom.d.ts', 105, body.slice(5, 10)), // inside the first block
        chunk('src/unrelated.ts', 1, lines('u', 20)),
      ],
      generous,
    );
    expect(result.blocks.map((b) => b.path)).toEqual(['lib/dom.d.ts', 'src/unrelated.ts']);
    expect(result.duplicates).toBe(3);
  });

  it('stays within the token budget, skipping what does not fit and taking smaller chunks after', () => {
    const count = (text: string) => text.split('\n').length; // one token per line, to make the arithmetic plain
    const result = packContext(
      [
        chunk('src/a.ts', 1, lines('a', 6)),
        chunk('src/big.ts', 1, lines('big', 10)),
        chunk('src/c.ts', 1, lines('c', 3)),
        chunk('src/a.ts', 7, lines('a2', 2)),
      ],
      { budgetTokens: 11, countTokens: count },
    );
    expect(result.blocks.map((b) => [b.path, b.startLine, b.endLine])).toEqual([
      ['src/a.ts', 1, 8],
      ['src/c.ts', 1, 3],
    ]);
    expect(result.tokens).toBe(11);
    expect(result.overBudget).toBe(1);
    expect(result.blocks.reduce((sum, b) => sum + count(b.text), 0)).toBeLessThanOrEqual(11);
  });

  it('estimates four characters per token without a counter', () => {
    const result = packContext([chunk('src/a.ts', 1, ['x'.repeat(400)]), chunk('src/b.ts', 1, ['y'.repeat(400)])], {
      budgetTokens: 150,
    });
    expect(result.blocks).toHaveLength(1);
    expect(result.tokens).toBe(100);
  });
});
