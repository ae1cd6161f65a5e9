import type { ScoredChunk } from '../store/chunk-store';
import type { RetrievedChunk } from './types';

/** The constant from Cormack et al.; it damps the weight of the very top ranks so one list cannot dominate. */
export const DEFAULT_RRF_K = 60;

export interface RankedLists {
  /** BM25 results, best first; score is the BM25 score. */
  bm25: ScoredChunk[];
  /** Vector results, best first; score is the cosine similarity. */
  dense: ScoredChunk[];
  /** Definitions of names the question mentions, best first (see signals.ts). */
  definitions?: ScoredChunk[];
  /** Chunks of files and lines the question names, best first. */
  paths?: ScoredChunk[];
}

export type ListName = keyof RankedLists;

/** How much a rank in each list counts; a list left out counts 1. */
export type ListWeights = Partial<Record<ListName, number>>;

/**
 * Reciprocal Rank Fusion: each chunk scores the sum of 1 / (k + rank) over the lists it appears in.
 * Only ranks count, so BM25 scores and cosine similarities never have to be put on one scale.
 * Every candidate keeps its rank and score in each list, for the trace.
 *
 * Ties (equal fused score) go to the chunk with the better single rank, then to the smaller id,
 * so the order never depends on the order of the input lists.
 */
export function reciprocalRankFusion(
  lists: RankedLists,
  k = DEFAULT_RRF_K,
  weights: ListWeights = {},
): RetrievedChunk[] {
  const byId = new Map<string, RetrievedChunk>();
  const add = (list: ScoredChunk[], source: ListName) => {
    const weight = weights[source] ?? 1;
    list.forEach(({ chunk, score }, index) => {
      const rank = index + 1;
      const entry = byId.get(chunk.id) ?? { chunk, score: 0, ranks: {}, scores: {} };
      // A chunk can appear twice in one list only if the store returned duplicates; its best rank counts.
      if (entry.ranks[source] !== undefined) return;
      entry.ranks[source] = rank;
      entry.scores[source] = score;
      entry.score += weight / (k + rank);
      byId.set(chunk.id, entry);
    });
  };
  for (const source of ['bm25', 'dense', 'definitions', 'paths'] as const) add(lists[source] ?? [], source);

  const fused = [...byId.values()].sort(
    (a, b) =>
      b.score - a.score ||
      bestRank(a) - bestRank(b) ||
      (a.chunk.id < b.chunk.id ? -1 : a.chunk.id > b.chunk.id ? 1 : 0),
  );
  fused.forEach((entry, index) => {
    entry.ranks.fused = index + 1;
    entry.scores.fused = entry.score;
  });
  return fused;
}

function bestRank(entry: RetrievedChunk): number {
  return Math.min(
    entry.ranks.bm25 ?? Infinity,
    entry.ranks.dense ?? Infinity,
    entry.ranks.definitions ?? Infinity,
    entry.ranks.paths ?? Infinity,
  );
}
