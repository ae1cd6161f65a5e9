import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunking/chunk';
import { diversify, mergeChunks, rankFiles, weighByFileKind } from '../../src/core/retrieval/arrange';
import type { RetrievedChunk } from '../../src/core/retrieval/types';

function piece(path: string, startLine: number, endLine: number, symbol?: string): Chunk {
  const code = Array.from({ length: endLine - startLine + 1 }, (_, i) => `line ${startLine + i}`);
  return {
    id: `${path}:${startLine}`,
    path,
    language: 'python',
    startLine,
    endLine,
    symbol,
    contentHash: '',
    text: [`# path: ${path}`, ...code].join('\n'),
  };
}

function ranked(chunks: Chunk[]): RetrievedChunk[] {
  return chunks.map((chunk, i) => ({ chunk, score: 1 - i / 10, ranks: { fused: i + 1 }, scores: {} }));
}

describe('diversify', () => {
  it('takes at most two pieces of one declaration before the other candidates, and drops nothing', () => {
    const results = diversify(
      ranked([
        piece('a.py', 1, 10, 'run'),
        piece('a.py', 30, 40, 'run'),
        piece('a.py', 60, 70, 'run'),
        piece('b.py', 1, 5, 'stop'),
      ]),
    );
    expect(results.map((r) => `${r.chunk.path}:${r.chunk.startLine}`)).toEqual([
      'a.py:1',
      'a.py:30',
      'b.py:1',
      'a.py:60',
    ]);
  });

  it('merges a piece touching a result already taken into one result for the span', () => {
    const results = diversify(ranked([piece('a.py', 11, 20, 'run'), piece('b.py', 1, 5), piece('a.py', 1, 10, 'run')]));
    expect(results.map((r) => `${r.chunk.path}:${r.chunk.startLine}-${r.chunk.endLine}`)).toEqual([
      'a.py:1-20',
      'b.py:1-5',
    ]);
    expect(results[0].chunk.id).toBe('a.py:11');
    expect(results[0].merged?.map((c) => c.id)).toEqual(['a.py:1']);
    expect(results[0].chunk.text.split('\n')).toEqual([
      '# path: a.py',
      ...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`),
    ]);
  });
});

describe('mergeChunks', () => {
  it("keeps the better chunk's header and the code of both by line", () => {
    const merged = mergeChunks(piece('a.py', 5, 6), piece('a.py', 3, 5));
    expect(merged).toMatchObject({ startLine: 3, endLine: 6, text: '# path: a.py\nline 3\nline 4\nline 5\nline 6' });
  });
});

describe('weighByFileKind', () => {
  it('puts source before tests, docs and templates unless the question is about them', () => {
    const candidates = () =>
      ranked([
        piece('tests/test_run.py', 1, 5),
        piece('.github/ISSUE_TEMPLATE/bug.md', 1, 5),
        piece('docs/run.md', 1, 5),
        piece('src/run.py', 1, 5),
      ]);
    expect(weighByFileKind(candidates(), new Set()).map((c) => c.chunk.path)[0]).toBe('src/run.py');
    expect(weighByFileKind(candidates(), new Set(['test'])).map((c) => c.chunk.path)[0]).toBe('tests/test_run.py');
  });
});

describe('rankFiles', () => {
  it('ranks files by their best chunk, a little ahead for more chunks found in them', () => {
    const files = rankFiles(
      ranked([piece('a.py', 1, 5, 'x'), piece('b.py', 1, 5), piece('b.py', 9, 12), piece('c.py', 1, 5)]),
    );
    expect(files.map((f) => `${f.path} ${f.chunks}`)).toEqual(['a.py 1', 'b.py 2', 'c.py 1']);
    expect(files[0]).toMatchObject({ kind: 'source', startLine: 1, endLine: 5, symbol: 'x' });
  });
});
