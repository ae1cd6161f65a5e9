import { CHUNKER_VERSION } from '../chunking';
import { RepoSageError } from '../errors';
import { createEmbedder } from '../embedding/embedder';
import { createReranker } from '../embedding/reranker';
import { loadStaticEmbedder } from '../embedding/static-embedder';
import type { Embedder, Reranker } from '../embedding/types';
import { openShared } from '../indexer/shared-base';
import { ChunkStore } from '../store/chunk-store';
import { LayeredStore, type SearchableStore } from '../store/layered-store';
import type { ManifestIdentity } from '../store/manifest';
import { readIndexModel } from '../store/manifest';
import { withLearnedRanker } from '../ranking/ranked-retriever';
import { shippedRanker } from '../ranking/shipped-ranker';
import { createRetriever } from './retriever';
import type { Retriever } from './types';
import { DEFAULT_EMBEDDING_MODEL } from '../defaults';

/**
 * The query-side models: the embedder that built the index, its static table when one ships (for
 * indexes still being embedded), and a cross-encoder when one loaded.
 */
export interface QueryModels {
  embedder: Embedder;
  staticEmbedder?: Embedder;
  reranker?: Reranker;
}

/**
 * required: fail when no cross-encoder loads. optional: go on without one (onNoReranker says why).
 * none: do not load one.
 */
export type RerankerNeed = 'required' | 'optional' | 'none';

export interface QueryModelOptions {
  /** The embedding model; defaults to the embedder's own default. */
  embeddingModel?: string;
  modelsDir?: string;
  reranker: RerankerNeed;
  /** Called when an optional cross-encoder could not be loaded, with the reason. */
  onNoReranker?: (error: RepoSageError) => void;
}

/** An index opened for searching with loaded models; close() closes the index, not the models. */
export interface SearchHandle {
  store: SearchableStore;
  retriever: Retriever;
  /** Whether a cross-encoder is loaded, so the rerank mode can run. */
  canRerank: boolean;
  close(): void;
}

const REINDEX_FIXES = new Set(['INDEX_MISSING', 'INDEX_MISMATCH', 'INDEX_CORRUPT']);

/** Whether opening an index failed in a way that re-indexing repairs (none there, other model, damaged). */
export function reindexFixes(error: unknown): error is RepoSageError {
  return error instanceof RepoSageError && REINDEX_FIXES.has(error.code);
}

export async function loadQueryModels(options: QueryModelOptions): Promise<QueryModels> {
  const embedder = await createEmbedder({ modelId: options.embeddingModel, modelsDir: options.modelsDir });
  try {
    const [staticEmbedder, reranker] = await Promise.all([
      loadStaticEmbedder(embedder.modelId, options.modelsDir),
      loadReranker(options),
    ]);
    return { embedder, staticEmbedder, reranker };
  } catch (error) {
    await embedder.dispose();
    throw error;
  }
}

/**
 * The query models for the index in dbDir: its own embedding model, from its manifest, so an index
 * built with `--model X` is searched with X. Without a readable index, the default (or the one
 * asked for). An index whose model is not installed here is refused with what to do.
 */
export async function loadQueryModelsForIndex(dbDir: string, options: QueryModelOptions): Promise<QueryModels> {
  const indexModel = await readIndexModel(dbDir);
  try {
    return await loadQueryModels({ ...options, embeddingModel: indexModel ?? options.embeddingModel });
  } catch (error) {
    if (
      !indexModel ||
      !(error instanceof RepoSageError) ||
      (error.code !== 'MODEL_NOT_FOUND' && error.code !== 'MODEL_LOAD_FAILED')
    )
      throw error;
    throw new RepoSageError(
      error.code,
      `The index in ${dbDir} was built with the embedding model ${indexModel}, which cannot be loaded ` +
        `here: ${error.message}`,
      `Install ${indexModel} in {setting:modelsDir}, or rebuild the index with one that is installed: ` +
        `\`reposage index --model ${DEFAULT_EMBEDDING_MODEL}\`.`,
      { cause: error },
    );
  }
}

export async function disposeQueryModels(models: QueryModels): Promise<void> {
  await Promise.all([models.embedder.dispose(), models.staticEmbedder?.dispose(), models.reranker?.dispose()]);
}

/**
 * Opens the index in dbDir for searching; it must have been built with the models' embedder. With
 * a shared index, dbDir is the local overlay on it, and both are searched as one.
 */
export async function openSearch(dbDir: string, models: QueryModels, sharedIndex?: string): Promise<SearchHandle> {
  const { embedder, staticEmbedder, reranker } = models;
  const identity = { embeddingModel: embedder.modelId, dimension: embedder.dimension, chunkerVersion: CHUNKER_VERSION };
  const local = await ChunkStore.openForRead(dbDir, identity);
  const store = sharedIndex ? await layerOn(local, sharedIndex, identity) : local;
  try {
    return {
      store,
      retriever: withLearnedRanker(createRetriever({ store, embedder, staticEmbedder, reranker }), shippedRanker()),
      canRerank: reranker !== undefined,
      close: () => store.close(),
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** The overlay in `local` over the shared index, read at the versions the overlay was computed against. */
async function layerOn(local: ChunkStore, sharedIndex: string, identity: ManifestIdentity): Promise<SearchableStore> {
  const overlay = local.identity.overlay;
  if (overlay?.sharedIndex !== sharedIndex) {
    local.close();
    throw new RepoSageError(
      'INDEX_MISSING',
      `The local index in ${local.dbDir} is not an overlay on the shared index ${sharedIndex}.`,
      'Index the workspace once (it then holds only what differs from the shared index).',
    );
  }
  try {
    return new LayeredStore(local, await openShared(sharedIndex, identity, overlay.sharedVersions), overlay.masked);
  } catch (error) {
    local.close();
    throw error;
  }
}

async function loadReranker(options: QueryModelOptions): Promise<Reranker | undefined> {
  if (options.reranker === 'none') return undefined;
  try {
    return await createReranker({ modelsDir: options.modelsDir });
  } catch (error) {
    if (options.reranker === 'required' || !(error instanceof RepoSageError)) throw error;
    options.onNoReranker?.(error);
    return undefined;
  }
}
