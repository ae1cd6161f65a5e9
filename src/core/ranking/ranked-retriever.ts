import { diversify } from '../retrieval/arrange';
import type { Retriever } from '../retrieval/types';
import type { LearnedRanker } from './learned-ranker';

/**
 * A retriever whose hybrid results are re-ordered by the learned ranker: every fused candidate is
 * scored (microseconds each), then the best k are kept, with the same variety rules as before (at
 * most two pieces of one declaration ahead of the rest). Other modes pass through unchanged, so
 * bm25, dense and the cross-encoder's rerank still measure themselves; whole units come from the
 * inner retriever.
 */
export function withLearnedRanker(inner: Retriever, ranker: LearnedRanker): Retriever {
  return {
    ...inner,
    async retrieve(query, options = {}) {
      const result = await inner.retrieve(query, options);
      if (result.trace.mode !== 'hybrid') return result;
      const ranked = ranker.rerank(query, result.trace.candidates);
      const candidates = options.features?.diversity === false ? ranked : diversify(ranked);
      return { chunks: candidates.slice(0, result.chunks.length), trace: { ...result.trace, candidates } };
    },
  };
}
