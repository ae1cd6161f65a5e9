import * as vscode from 'vscode';
import { CHUNKER_VERSION } from '../../core/chunking';
import { RepoSageError } from '../../core/errors';
import { createEmbedder } from '../../core/models/embedder';
import { createReranker } from '../../core/models/reranker';
import type { Embedder, Reranker } from '../../core/models/types';
import { createRetriever } from '../../core/retrieval/retriever';
import type { Retriever } from '../../core/retrieval/types';
import { ChunkStore } from '../../core/store/chunk-store';
import { affectsIndex, readConfig, resolveModelsDir } from '../config/config';
import { DisposableStore } from '../disposable-store';

/** An index opened for searching; close it when the search is done. */
export interface SearchHandle {
  store: ChunkStore;
  retriever: Retriever;
  /** Whether a cross-encoder is loaded, so the rerank mode can run. */
  canRerank: boolean;
  close(): void;
}

interface LoadedModels {
  embedder: Embedder;
  /** Absent when no cross-encoder is available: retrieval then stays hybrid. */
  reranker?: Reranker;
}

/**
 * The query-side models (embedder and cross-encoder), loaded on first use and kept for the
 * extension's lifetime, or until a setting names other models. Each search opens the index fresh,
 * so it sees what the last sync wrote.
 */
export class SearchModels implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private loaded: Promise<LoadedModels> | undefined;

  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {
    this.store.add(vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsIndex(event)) this.unload();
    }));
  }

  async open(dbDir: string): Promise<SearchHandle> {
    const { embedder, reranker } = await this.models();
    const store = await ChunkStore.openForRead(dbDir, { embeddingModel: embedder.modelId, dimension: embedder.dimension, chunkerVersion: CHUNKER_VERSION });
    try {
      return { store, retriever: createRetriever({ store, embedder, reranker }), canRerank: reranker !== undefined, close: () => store.close() };
    } catch (error) {
      store.close();
      throw error;
    }
  }

  dispose(): void {
    this.unload();
    this.store.dispose();
  }

  private models(): Promise<LoadedModels> {
    // A failed load is not kept: the next question retries, after the user fixed the models folder.
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async load(): Promise<LoadedModels> {
    const config = readConfig();
    const modelsDir = resolveModelsDir(config, this.extensionPath);
    const embedder = await createEmbedder({ modelId: config.embeddingModel, modelsDir });
    try {
      return { embedder, reranker: await createReranker({ modelsDir }) };
    } catch (error) {
      if (!(error instanceof RepoSageError)) {
        await embedder.dispose();
        throw error;
      }
      this.log.warn(`No re-ranking: ${error.describe()} Retrieval uses hybrid search.`);
      return { embedder };
    }
  }

  private unload(): void {
    const loaded = this.loaded;
    this.loaded = undefined;
    void loaded?.then(
      (models) => Promise.all([models.embedder.dispose(), models.reranker?.dispose()]),
      () => undefined,
    );
  }
}
