import {
  type QueryModels,
  type RerankerNeed,
  type SearchHandle,
  disposeQueryModels,
  loadQueryModelsForIndex,
  openSearch,
  reindexFixes,
} from '../../core/retrieval/search-session';
import type { Reranker } from '../../core/embedding/types';
import type { Retriever } from '../../core/retrieval/types';
import type { SearchableStore } from '../../core/store/layered-store';
import { type IndexState, incompleteNote } from '../../core/store/integrity';
import { type CliContext, resolveDbDir, resolveModelsDir, resolveRoot, resolveSharedIndex, warn } from '../context';
import { indexRepository } from './index-command';

export interface SearchFlags {
  root?: string;
  db?: string;
  /** A shared index: the local index (--db) is then an overlay on it. */
  shared?: string;
  models?: string;
  /** Re-rank with this re-ranker (an Ollama model) instead of a cross-encoder. */
  reranker?: Reranker;
}

/** The loaded models and the open index that `query` and `eval` search; close() frees them. */
export interface SearchSession {
  store: SearchableStore;
  retriever: Retriever;
  /** Whether a cross-encoder was loaded, so rerank mode can run. */
  canRerank: boolean;
  close(): Promise<void>;
}

/**
 * Loads the models and opens the index, building it first when it is missing or was built otherwise.
 * An optional cross-encoder that is not installed is left out without a word (the default mode is the
 * best one the installed models allow, and `reposage status` says what is missing); one that fails to load is reported.
 */
export async function openSearchSession(
  ctx: CliContext,
  flags: SearchFlags,
  rerankerNeed: RerankerNeed,
): Promise<SearchSession> {
  const root = await resolveRoot(flags.root, flags.db);
  const dbDir = resolveDbDir(root, flags.db);
  const models = await loadQueryModelsForIndex(resolveSharedIndex(flags.shared) ?? dbDir, {
    modelsDir: resolveModelsDir(flags.models),
    reranker: rerankerNeed,
    // Not installed is a choice `status` reports; installed but broken is worth a word every time.
    onNoReranker: (error) => {
      if (error.code !== 'MODEL_NOT_FOUND') warn(ctx, `no re-ranking (${error.describe()}); using hybrid retrieval.`);
    },
  });
  if (flags.reranker) models.reranker = flags.reranker;
  try {
    const search = await openOrBuild(ctx, { ...flags, root }, dbDir, models);
    const close = async () => {
      search.close();
      await disposeQueryModels(models);
    };
    return { store: search.store, retriever: search.retriever, canRerank: search.canRerank, close };
  } catch (error) {
    await disposeQueryModels(models);
    throw error;
  }
}

async function openOrBuild(
  ctx: CliContext,
  flags: SearchFlags,
  dbDir: string,
  models: QueryModels,
): Promise<SearchHandle> {
  const shared = resolveSharedIndex(flags.shared);
  if (shared) {
    // The overlay is brought up to date first, so no edited file is answered from the shared copy.
    await indexRepository(ctx, { ...flags, model: models.embedder.modelId });
    return openSearch(dbDir, models, shared);
  }
  try {
    return await openSearch(dbDir, models);
  } catch (error) {
    if (!reindexFixes(error)) throw error;
    warn(ctx, `${error.message} Building the index first.`);
    // Rebuilt with the model the queries load: the index's own, when it had a readable one.
    await indexRepository(ctx, { ...flags, model: models.embedder.modelId });
    return openSearch(dbDir, models);
  }
}

/** How whole the searched index is, for JSON output: scripts can tell a partial index's answers. */
export interface IndexNote {
  state: IndexState;
  files: number;
  filesPlanned?: number;
  note?: string;
}

export function indexNote(session: SearchSession): IndexNote {
  const { state, files, filesPlanned } = session.store.health;
  const note = incompleteNote(session.store.health);
  return { state, files, ...(filesPlanned !== undefined ? { filesPlanned } : {}), ...(note ? { note } : {}) };
}

/** The line that says results come from an unfinished index, or undefined for a complete one. */
export function incompleteLine(session: SearchSession): string | undefined {
  const note = incompleteNote(session.store.health);
  return note && `note: ${note}; results may miss files until \`reposage index\` finishes.`;
}
