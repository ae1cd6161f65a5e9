import { RepoSageError, throwIfCancelled } from '../errors';
import type { Embedder, Reranker } from '../embedding/types';
import type { DenseSpace, ScoredChunk } from '../store/chunk-store';
import type { SearchableStore } from '../store/layered-store';
import { diversify, weighByFileKind } from './arrange';
import { DEFAULT_RRF_K, type ListWeights, reciprocalRankFusion } from './fusion';
import { readQuestion } from './question';
import { definitionHits, pathHits } from './signals';
import { wholeUnits } from './units';
import type {
  RetrievalFeatures,
  RetrievalMode,
  RetrievalResult,
  RetrievedChunk,
  RetrieveOptions,
  Retriever,
  StageTiming,
} from './types';
import { DEFAULT_SEARCH_K, DEFAULT_RERANK_CANDIDATES } from '../defaults';

export interface RetrieverParts {
  store: SearchableStore;
  /** Must be the model that built the index. */
  embedder: Embedder;
  /**
   * The static table the index's static vectors come from: dense search uses it while the index says
   * so (a build under way). Without it, or with another table than the index's, only the model's vectors are searched.
   */
  staticEmbedder?: Embedder;
  /** The cross-encoder for rerank mode; without one, rerank mode is refused. */
  reranker?: Reranker;
}

const DEFAULT_CANDIDATES = 50;

/** A named definition or file counts twice a BM25 or vector rank: the question says exactly what it means. */
export const DEFAULT_LIST_WEIGHTS: ListWeights = { bm25: 1, dense: 1, definitions: 2, paths: 2 };

const ALL_FEATURES: RetrievalFeatures = {
  condense: true,
  definitions: true,
  paths: true,
  fileKinds: true,
  diversity: true,
};

/**
 * Searches one index four ways: BM25, dense (vectors), hybrid (both fused by RRF), and rerank
 * (hybrid, then a cross-encoder over the best fused candidates). Refuses an embedder other than
 * the one that built the index: its vectors would be compared with vectors of another space.
 */
export function createRetriever(parts: RetrieverParts): Retriever {
  const { store, embedder } = parts;
  const identity = store.identity;
  if (embedder.modelId !== identity.embeddingModel || embedder.dimension !== identity.dimension) {
    throw new RepoSageError(
      'INDEX_MISMATCH',
      `The index was built with ${identity.embeddingModel} (${identity.dimension} dimensions), but queries ` +
        `would be embedded with ${embedder.modelId} (${embedder.dimension} dimensions).`,
      'Re-index with the current embedding model, or select the model that built the index.',
    );
  }
  return {
    retrieve: (query, options) => retrieve(parts, query, options ?? {}),
    wholeUnits: (chunks, options) => wholeUnits(store, chunks, options),
  };
}

async function retrieve(parts: RetrieverParts, query: string, options: RetrieveOptions): Promise<RetrievalResult> {
  const started = performance.now();
  const { signal } = options;
  const mode: RetrievalMode = options.mode ?? (parts.reranker ? 'rerank' : 'hybrid');
  const k = positive(options.k ?? DEFAULT_SEARCH_K, 'k');
  const depth = Math.max(k, positive(options.candidates ?? DEFAULT_CANDIDATES, 'candidates'));
  if (query.trim().length === 0)
    throw new RepoSageError('INVALID_INPUT', 'The query is empty.', 'Type what you are looking for.');
  if (mode === 'rerank' && !parts.reranker) {
    throw new RepoSageError(
      'MODEL_NOT_FOUND',
      'Re-rank mode needs a cross-encoder model, and none is configured.',
      'Use the hybrid mode, or provide a re-rank model (default Xenova/ms-marco-MiniLM-L-6-v2) in the models folder.',
    );
  }
  throwIfCancelled(signal);

  const stages: StageTiming[] = [];
  const time = async <T>(stage: StageTiming['stage'], work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    stages.push({ stage, ms: performance.now() - start });
    throwIfCancelled(signal);
    return result;
  };

  const wantDense = mode !== 'bm25';
  const wantBm25 = mode !== 'dense';
  const fused = mode === 'hybrid' || mode === 'rerank';
  const features = fused ? { ...ALL_FEATURES, ...options.features } : undefined;
  const question = readQuestion(query);
  const denseText = features?.condense ? question.denseText : query;
  // Keyword search needs no embedding, so it runs while the query is embedded and searched.
  const space = wantDense ? denseSpaceFor(parts, options.denseSpace) : undefined;
  const [dense, bm25, signals] = await Promise.all([
    space ? searchDense(parts, space, denseText, depth, signal, time) : Promise.resolve([]),
    wantBm25 ? time('bm25', () => parts.store.searchKeywords(query, depth)) : Promise.resolve([]),
    features && (features.definitions || features.paths)
      ? time('signals', () =>
          Promise.all([
            features.definitions ? definitionHits(parts.store, question) : [],
            features.paths ? pathHits(parts.store, question) : [],
          ]),
        )
      : Promise.resolve([[], []]),
  ]);

  let candidates: RetrievedChunk[];
  if (!features) {
    candidates = singleList(mode as 'bm25' | 'dense', mode === 'bm25' ? bm25 : dense);
  } else {
    const [definitions, paths] = signals;
    candidates = await time('fusion', async () => {
      const list = reciprocalRankFusion({ bm25, dense, definitions, paths }, options.rrfK ?? DEFAULT_RRF_K, {
        ...DEFAULT_LIST_WEIGHTS,
        ...options.weights,
      });
      return features.fileKinds ? weighByFileKind(list, question.about) : list;
    });
    if (mode === 'rerank') {
      const count = Math.max(k, positive(options.rerankCandidates ?? DEFAULT_RERANK_CANDIDATES, 'rerankCandidates'));
      candidates = await time('rerank', () => rerank(parts.reranker!, query, candidates, count, signal));
    }
    if (features.diversity) candidates = diversify(candidates);
  }

  const totalMs = performance.now() - started;
  return {
    chunks: candidates.slice(0, k),
    trace: { query, mode, stages, candidates, ...(space ? { denseSpace: space } : {}), totalMs },
  };
}

type Timer = <T>(stage: StageTiming['stage'], work: () => Promise<T>) => Promise<T>;

/**
 * The static table's vectors while the index asks for them and the loaded table is the one that made
 * them (never a query vector of one model against vectors of another); else the model's.
 */
function denseSpaceFor(parts: RetrieverParts, wanted: DenseSpace | undefined): DenseSpace {
  const space = wanted ?? parts.store.denseSpace();
  const staticModel = parts.store.identity.staticModel;
  const usable = parts.staticEmbedder !== undefined && parts.staticEmbedder.modelId === staticModel?.id;
  return space === 'static' && usable ? 'static' : 'model';
}

async function searchDense(
  parts: RetrieverParts,
  space: DenseSpace,
  query: string,
  depth: number,
  signal: AbortSignal | undefined,
  time: Timer,
): Promise<ScoredChunk[]> {
  const embedder = space === 'static' ? parts.staticEmbedder! : parts.embedder;
  const [vector] = await time('embed', () => embedder.embed([query], signal));
  const hits = await time('dense', () => parts.store.searchDense(vector, depth, { space }));
  // The store gives cosine distance; similarity reads the same way as every other score (higher is better).
  return hits.map(({ chunk, score }) => ({ chunk, score: 1 - score }));
}

function singleList(source: 'bm25' | 'dense', hits: ScoredChunk[]): RetrievedChunk[] {
  return hits.map(({ chunk, score }, index) => ({
    chunk,
    score,
    ranks: { [source]: index + 1 },
    scores: { [source]: score },
  }));
}

/**
 * Scores the best `count` fused candidates with the cross-encoder and puts them first, best first;
 * the rest keep their fused order behind them (they stay in the trace, not in the answer).
 */
export async function rerank(
  reranker: Reranker,
  query: string,
  fused: RetrievedChunk[],
  count: number,
  signal: AbortSignal | undefined,
): Promise<RetrievedChunk[]> {
  const head = fused.slice(0, count);
  if (head.length === 0) return fused;
  const logits = await reranker.score(
    query,
    head.map((candidate) => candidate.chunk.text),
    signal,
  );
  head.forEach((candidate, i) => {
    candidate.scores.rerank = logits[i];
    candidate.score = logits[i];
  });
  head.sort((a, b) => b.score - a.score || a.ranks.fused! - b.ranks.fused!);
  head.forEach((candidate, i) => {
    candidate.ranks.rerank = i + 1;
  });
  return [...head, ...fused.slice(count)];
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RepoSageError('INVALID_INPUT', `${name} must be a whole number of at least 1, not ${value}.`);
  }
  return value;
}
