import type { ScoredChunk } from '../store/chunk-store';
import type { RetrievedChunk } from './types';

/** The constant from Cormack et al.; it damps the weight of the very top ranks so one list cannot dominate. */
export const DEFAULT_RRF_K = 60;

export interface RankedLists {
  /** BM25 results, best first; score is the BM25 score. */
  bm25: ScoredChunk[];
  /** Vector results, best first; score is the cosine similarity. */
  dense: ScoredChunk[];
}

/**
 * Reciprocal Rank Fusion: each chunk scores the sum of 1 / (k + rank) over the lists it appears in.
 * Only ranks count, so BM25 scores and cosine similarities never have to be put on one scale.
 * Every candidate keeps its rank and score in each list, for the trace.
 *
 * Ties (equal fused score) go to the chunk with the better single rank, then to the smaller id,
 * so the order never depends on the order of the input lists.
 */
export function reciprocalRankFusion(lists: RankedLists, k = DEFAULT_RRF_K): RetrievedChunk[] {
  const byId = new Map<string, RetrievedChunk>();
  const add = (list: ScoredChunk[], source: 'bm25' | 'dense') => {
    list.forEach(({ chunk, score }, index) => {
      const rank = index + 1;
      const entry = byId.get(chunk.id) ?? { chunk, score: 0, ranks: {}, scores: {} };
      // A chunk can appear twice in one list only if the store returned duplicates; its best rank counts.
      if (entry.ranks[source] !== undefined) return;
      entry.ranks[source] = rank;
      entry.scores[source] = score;
      entry.score += 1 / (k + rank);
      byId.set(chunk.id, entry);
    });
  };
  add(lists.bm25, 'bm25');
  add(lists.dense, 'dense');

  const fused = [...byId.values()].sort(
    (a, b) => b.score - a.score || bestRank(a) - bestRank(b) || (a.chunk.id < b.chunk.id ? -1 : a.chunk.id > b.chunk.id ? 1 : 0),
  );
  fused.forEach((entry, index) => {
    entry.ranks.fused = index + 1;
    entry.scores.fused = entry.score;
  });
  return fused;
}

function bestRank(entry: RetrievedChunk): number {
  return Math.min(entry.ranks.bm25 ?? Infinity, entry.ranks.dense ?? Infinity);
}
