import type { Chunk } from '../chunking/chunk';
import type { DenseSpace } from '../store/chunk-store';
import type { ListWeights } from './fusion';

/** The parts of hybrid retrieval beyond fusing BM25 and vectors, each of which can be measured alone. */
export interface RetrievalFeatures {
  /** Embed a condensed form of a long question (title, first paragraph, names of code). */
  condense: boolean;
  /** A ranked list of the definitions of names the question mentions. */
  definitions: boolean;
  /** A ranked list of the chunks of files and lines the question names (paths, stack-trace frames). */
  paths: boolean;
  /** Demote tests, docs, translations, templates, changelogs, vendored and generated files unless asked about. */
  fileKinds: boolean;
  /** At most two pieces of one declaration among the results; touching pieces merged. */
  diversity: boolean;
}

export type RetrievalMode = 'bm25' | 'dense' | 'hybrid' | 'rerank';

export type ScoreName = 'bm25' | 'dense' | 'definitions' | 'paths' | 'fused' | 'rerank';

/** A candidate with where it stood in each stage (1-based ranks), for the trace and the UI. */
export interface RetrievedChunk {
  chunk: Chunk;
  /** The score that ordered the final list (mode-dependent). */
  score: number;
  ranks: Partial<Record<ScoreName, number>>;
  /**
   * bm25: BM25 score; dense: cosine similarity; definitions / paths: how well the chunk matches a
   * name or file the question mentions; fused: RRF score, times the file-kind weight; rerank:
   * cross-encoder logit or LLM relevance. Higher is better in all.
   */
  scores: Partial<Record<ScoreName, number>>;
  /** Other pieces of the same file merged into this result because they touch it. */
  merged?: Chunk[];
}

export interface StageTiming {
  stage: 'embed' | 'dense' | 'bm25' | 'signals' | 'fusion' | 'rerank' | 'pack';
  ms: number;
}

export interface RetrievalTrace {
  query: string;
  mode: RetrievalMode;
  stages: StageTiming[];
  /** Every candidate considered, in final order, with its per-stage ranks and scores. */
  candidates: RetrievedChunk[];
  /** Whose vectors dense search compared: the embedding model's, or the static table's while a build is under way. */
  denseSpace?: DenseSpace;
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
  /** Hybrid and rerank modes' use of what the question says; all on by default (off only to measure each). */
  features?: Partial<RetrievalFeatures>;
  /** How much each list counts in fusion (defaults: DEFAULT_LIST_WEIGHTS). */
  weights?: ListWeights;
  /** Whose vectors dense search compares; default: what the index says (see ChunkStore.denseSpace). */
  denseSpace?: DenseSpace;
  signal?: AbortSignal;
}

export interface Retriever {
  retrieve(query: string, options?: RetrieveOptions): Promise<RetrievalResult>;
  /** Small-to-big: the whole declarations (or as much as fits) the retrieved pieces belong to, once each. */
  wholeUnits?(
    chunks: readonly Chunk[],
    options: { maxTokens: number; countTokens: (text: string) => number },
  ): Promise<Chunk[]>;
}
