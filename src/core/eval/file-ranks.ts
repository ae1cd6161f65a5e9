import type { ExpectedLocation } from './golden-set';
import type { RetrievedLocation } from './metrics';

/** Files in the order their best chunk ranks: a ranked chunk list read as a ranked file list. */
export function filesInOrder(results: readonly Pick<RetrievedLocation, 'path'>[]): string[] {
  return [...new Set(results.map((result) => result.path))];
}

/** 1-based rank of the first expected file in a ranked file list; undefined when none is there. */
export function firstHitRank(files: readonly string[], expected: readonly ExpectedLocation[]): number | undefined {
  const gold = new Set(expected.map((location) => location.path));
  const index = files.findIndex((file) => gold.has(file));
  return index < 0 ? undefined : index + 1;
}

/** Hit@n for each cut-off and the reciprocal rank, averaged over questions from their first-hit ranks. */
export function localizationScores(
  ranks: ReadonlyArray<number | undefined>,
  cutoffs: readonly number[],
): Record<string, number> {
  const share = (hit: (rank: number) => boolean) =>
    ranks.length === 0 ? NaN : ranks.filter((rank) => rank !== undefined && hit(rank)).length / ranks.length;
  const scores: Record<string, number> = {};
  for (const n of cutoffs) scores[`hit@${n}`] = share((rank) => rank <= n);
  scores.mrr =
    ranks.length === 0
      ? NaN
      : ranks.reduce<number>((sum, rank) => sum + (rank === undefined ? 0 : 1 / rank), 0) / ranks.length;
  return scores;
}
