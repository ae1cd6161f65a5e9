import path from 'node:path';
import { CHUNKER_VERSION } from '../../core/chunking';
import { RepoSageError } from '../../core/errors';
import { createEmbedder } from '../../core/models/embedder';
import { createReranker } from '../../core/models/reranker';
import type { Embedder, Reranker } from '../../core/models/types';
import { createRetriever } from '../../core/retrieval/retriever';
import type { Retriever } from '../../core/retrieval/types';
import { ChunkStore } from '../../core/store/chunk-store';
import { type CliContext, resolveDbDir, resolveModelsDir } from '../context';
import { indexRepository } from './index-command';

export interface SearchFlags {
  root?: string;
  db?: string;
  models?: string;
}

/** The loaded models and the open index that `query` and `eval` search; close() frees them. */
export interface SearchSession {
  store: ChunkStore;
  retriever: Retriever;
  /** Whether a cross-encoder was loaded, so rerank mode can run. */
  canRerank: boolean;
  close(): Promise<void>;
}

/**
 * required: fail when no cross-encoder loads. optional: go on without one and say so on stderr.
 * none: do not load one.
 */
export type RerankerNeed = 'required' | 'optional' | 'none';

const REBUILDABLE = new Set(['INDEX_MISSING', 'INDEX_MISMATCH', 'INDEX_CORRUPT']);

/** Loads the models and opens the index, building it first when it is missing or was built otherwise. */
export async function openSearchSession(ctx: CliContext, flags: SearchFlags, rerankerNeed: RerankerNeed): Promise<SearchSession> {
  const root = path.resolve(flags.root ?? '.');
  const dbDir = resolveDbDir(root, flags.db);
  const modelsDir = resolveModelsDir(flags.models);
  const embedder = await createEmbedder({ modelsDir });
  let store: ChunkStore | undefined;
  let reranker: Reranker | undefined;
  const close = async () => {
    store?.close();
    await Promise.all([embedder.dispose(), reranker?.dispose()]);
  };
  try {
    store = await openOrBuild(ctx, { ...flags, root }, dbDir, embedder);
    reranker = rerankerNeed === 'none' ? undefined : await loadReranker(ctx, modelsDir, rerankerNeed);
    return { store, retriever: createRetriever({ store, embedder, reranker }), canRerank: reranker !== undefined, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openOrBuild(ctx: CliContext, flags: SearchFlags, dbDir: string, embedder: Embedder): Promise<ChunkStore> {
  const identity = { embeddingModel: embedder.modelId, dimension: embedder.dimension, chunkerVersion: CHUNKER_VERSION };
  try {
    return await ChunkStore.openForRead(dbDir, identity);
  } catch (error) {
    if (!(error instanceof RepoSageError) || !REBUILDABLE.has(error.code)) throw error;
    ctx.stderr.write(`reposage: ${error.message} Building the index first.\n`);
    await indexRepository(ctx, flags);
    return ChunkStore.openForRead(dbDir, identity);
  }
}

async function loadReranker(ctx: CliContext, modelsDir: string | undefined, need: 'required' | 'optional'): Promise<Reranker | undefined> {
  try {
    return await createReranker({ modelsDir });
  } catch (error) {
    if (need === 'required' || !(error instanceof RepoSageError)) throw error;
    ctx.stderr.write(`reposage: no re-ranking (${error.message.replace(/\.$/, '')}); using hybrid retrieval.\n`);
    return undefined;
  }
}
