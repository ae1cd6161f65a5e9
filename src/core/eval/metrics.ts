import type { ExpectedLocation } from './golden-set';

/** What a retrieved result points at. */
export interface RetrievedLocation {
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * file: a result in an expected file is a hit. chunk: it must also overlap the expected lines,
 * where the golden set gives lines (an expected location without lines is judged at file level).
 */
export type HitLevel = 'file' | 'chunk';

export interface QuestionScores {
  /** recall@n for each cut-off asked for. */
  recall: Record<number, number>;
  mrr10: number;
  ndcg10: number;
}

export function isHit(result: RetrievedLocation, expected: ExpectedLocation, level: HitLevel): boolean {
  if (result.path !== expected.path) return false;
  if (level === 'file' || expected.startLine === undefined || expected.endLine === undefined) return true;
  return result.startLine <= expected.endLine && expected.startLine <= result.endLine;
}

/**
 * For each result, best first: true when it finds an expected location no earlier result found.
 * Several chunks of one expected function count once, so a retriever cannot score by repetition.
 */
export function newHits(
  results: readonly RetrievedLocation[],
  expected: readonly ExpectedLocation[],
  level: HitLevel,
): boolean[] {
  const found = new Set<number>();
  return results.map((result) => {
    const index = expected.findIndex((location, i) => !found.has(i) && isHit(result, location, level));
    if (index < 0) return false;
    found.add(index);
    return true;
  });
}

/** recall@n (share of expected locations found in the top n), MRR@10 and binary nDCG@10 for one question. */
export function scoreQuestion(
  results: readonly RetrievedLocation[],
  expectedLocations: readonly ExpectedLocation[],
  level: HitLevel,
  cutoffs: readonly number[],
): QuestionScores {
  // At file level, several expected ranges in one file are one expected file.
  const expected =
    level === 'file'
      ? expectedLocations.filter(
          (location, i) => expectedLocations.findIndex((other) => other.path === location.path) === i,
        )
      : expectedLocations;
  const hits = newHits(results, expected, level);
  const recall: Record<number, number> = {};
  for (const n of cutoffs) recall[n] = hits.slice(0, n).filter(Boolean).length / expected.length;

  const first = hits.slice(0, 10).indexOf(true);
  const mrr10 = first < 0 ? 0 : 1 / (first + 1);

  const gain = (position: number) => 1 / Math.log2(position + 2);
  const dcg = hits.slice(0, 10).reduce((sum, hit, i) => sum + (hit ? gain(i) : 0), 0);
  let ideal = 0;
  for (let i = 0; i < Math.min(expected.length, 10); i++) ideal += gain(i);
  return { recall, mrr10, ndcg10: dcg / ideal };
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}
