import type { Chunk } from '../chunking/chunk';

export type RetrievalMode = 'bm25' | 'dense' | 'hybrid' | 'rerank';

/** A candidate with where it stood in each stage (1-based ranks), for the trace and the UI. */
export interface RetrievedChunk {
  chunk: Chunk;
  /** The score that ordered the final list (mode-dependent). */
  score: number;
  ranks: { bm25?: number; dense?: number; fused?: number; rerank?: number };
  /** bm25: BM25 score; dense: cosine similarity; fused: RRF score; rerank: cross-encoder logit. Higher is better in all. */
  scores: { bm25?: number; dense?: number; fused?: number; rerank?: number };
}

export interface StageTiming {
  stage: 'embed' | 'dense' | 'bm25' | 'fusion' | 'rerank' | 'pack';
  ms: number;
}

export interface RetrievalTrace {
  query: string;
  mode: RetrievalMode;
  stages: StageTiming[];
  /** Every candidate considered, in final order, with its per-stage ranks and scores. */
  candidates: RetrievedChunk[];
  totalMs: number;
}

export interface RetrievalResult {
  chunks: RetrievedChunk[];
  trace: RetrievalTrace;
}

export interface RetrieveOptions {
  /** Default: rerank when the retriever has a re-ranker, hybrid otherwise. */
  mode?: RetrievalMode;
  /** How many chunks to return (default 5). */
  k?: number;
  /** How many results each of BM25 and vector search contributes to fusion (default 50). */
  candidates?: number;
  /** The k of Reciprocal Rank Fusion (default 60). */
  rrfK?: number;
  /** How many fused candidates the cross-encoder sees (default 20; never fewer than k). */
  rerankCandidates?: number;
  signal?: AbortSignal;
}

export interface Retriever {
  retrieve(query: string, options?: RetrieveOptions): Promise<RetrievalResult>;
}
