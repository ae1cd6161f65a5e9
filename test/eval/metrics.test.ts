import { describe, expect, it } from 'vitest';
import type { ExpectedLocation } from '../../src/core/eval/golden-set';
import { isHit, newHits, percentile, scoreQuestion } from '../../src/core/eval/metrics';

const at = (path: string, startLine: number, endLine: number) => ({ path, startLine, endLine });

describe('hits', () => {
  const expected: ExpectedLocation = { path: 'src/a.ts', startLine: 10, endLine: 20 };

  it('needs overlapping lines at chunk level and only the file at file level', () => {
    expect(isHit(at('src/a.ts', 18, 40), expected, 'chunk')).toBe(true);
    expect(isHit(at('src/a.ts', 1, 10), expected, 'chunk')).toBe(true);
    expect(isHit(at('src/a.ts', 21, 30), expected, 'chunk')).toBe(false);
    expect(isHit(at('src/a.ts', 21, 30), expected, 'file')).toBe(true);
    expect(isHit(at('src/b.ts', 10, 20), expected, 'file')).toBe(false);
  });

  it('judges an expected file without lines at file level', () => {
    expect(isHit(at('src/b.ts', 500, 510), { path: 'src/b.ts' }, 'chunk')).toBe(true);
  });

  it('credits each expected location once', () => {
    expect(newHits([at('src/a.ts', 10, 12), at('src/a.ts', 13, 20)], [expected], 'chunk')).toEqual([true, false]);
  });
});

describe('scoreQuestion', () => {
  const expected: ExpectedLocation[] = [{ path: 'src/a.ts', startLine: 10, endLine: 20 }, { path: 'src/b.ts' }];
  const results = [
    at('src/c.ts', 1, 5), // miss
    at('src/a.ts', 15, 30), // finds a.ts:10-20
    at('src/a.ts', 18, 19), // the same location again: no credit
    at('src/b.ts', 1, 3), // finds b.ts
    at('src/a.ts', 40, 50), // a.ts, other lines: a hit only at file level
  ];

  it('computes recall, MRR and nDCG at chunk level', () => {
    const scores = scoreQuestion(results, expected, 'chunk', [1, 2, 5]);
    expect(scores.recall).toEqual({ 1: 0, 2: 0.5, 5: 1 });
    expect(scores.mrr10).toBe(0.5);
    // DCG = 1/log2(3) + 1/log2(5); ideal DCG (two relevant) = 1 + 1/log2(3).
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    expect(scores.ndcg10).toBeCloseTo(dcg / (1 + 1 / Math.log2(3)), 12);
    expect(scores.ndcg10).toBeCloseTo(0.65093, 4);
  });

  it('scores zero when nothing in the top 10 hits', () => {
    const misses = Array.from({ length: 10 }, (_, i) => at('src/z.ts', i * 10 + 1, i * 10 + 9));
    const scores = scoreQuestion([...misses, at('src/b.ts', 1, 2)], expected, 'chunk', [10, 20]);
    expect(scores).toEqual({ recall: { 10: 0, 20: 0.5 }, mrr10: 0, ndcg10: 0 });
  });

  it('gives a perfect ranking nDCG 1', () => {
    const scores = scoreQuestion([at('src/b.ts', 1, 2), at('src/a.ts', 10, 11)], expected, 'chunk', [2]);
    expect(scores.ndcg10).toBeCloseTo(1, 12);
    expect(scores.mrr10).toBe(1);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, unsorted
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
  });
});
