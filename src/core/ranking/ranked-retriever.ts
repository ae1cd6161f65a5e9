import type { Retriever } from '../retrieval/types';
import type { LearnedRanker } from './learned-ranker';

/**
 * A retriever whose hybrid results are re-ordered by the learned ranker: every fused candidate is
 * scored (microseconds each), then the best k are kept. Other modes pass through unchanged, so
 * bm25, dense and the cross-encoder's rerank still measure themselves.
 */
export function withLearnedRanker(inner: Retriever, ranker: LearnedRanker): Retriever {
  return {
    async retrieve(query, options = {}) {
      const result = await inner.retrieve(query, options);
      if (result.trace.mode !== 'hybrid') return result;
      const candidates = ranker.rerank(query, result.trace.candidates);
      return { chunks: candidates.slice(0, result.chunks.length), trace: { ...result.trace, candidates } };
    },
  };
}
