import * as vscode from 'vscode';
import { KeptSearch } from '../../core/retrieval/kept-search';
import {
  type QueryModels,
  type SearchHandle,
  disposeQueryModels,
  loadQueryModels,
  openSearch,
} from '../../core/retrieval/search-session';
import { affectsIndex, readConfig, resolveModelsDir } from '../config/config';
import { DisposableStore } from '../disposable-store';

/**
 * The query-side models (embedder and cross-encoder), loaded on first use and kept for the
 * extension's lifetime, or until a setting names other models. Each folder's index stays open
 * between questions and is re-opened only after a sync (or anything else) changed it on disk.
 */
export class SearchModels implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private loaded: Promise<QueryModels> | undefined;
  /** By index folder and shared index. */
  private readonly kept = new Map<string, KeptSearch>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsIndex(event)) this.unload();
      }),
    );
  }

  /** The index in dbDir for one search, up to date with the disk; close the handle when the search is done. */
  open(dbDir: string): Promise<SearchHandle> {
    const shared = readConfig().sharedIndex;
    const key = `${dbDir}\u0000${shared ?? ''}`;
    let kept = this.kept.get(key);
    if (!kept) {
      kept = new KeptSearch(dbDir, async () => openSearch(dbDir, await this.models(), shared));
      this.kept.set(key, kept);
    }
    return kept.acquire();
  }

  dispose(): void {
    this.unload();
    this.store.dispose();
  }

  private models(): Promise<QueryModels> {
    // A failed load is not kept: the next question retries, after the user fixed the models folder.
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private load(): Promise<QueryModels> {
    const config = readConfig();
    return loadQueryModels({
      embeddingModel: config.embeddingModel,
      modelsDir: resolveModelsDir(config, this.extensionPath),
      reranker: 'optional',
      onNoReranker: (error) => this.log.warn(`No re-ranking: ${error.describe()} Retrieval uses hybrid search.`),
    });
  }

  private unload(): void {
    // Open indexes hold the models' embedder: closed first (each once its running search is done).
    for (const kept of this.kept.values()) kept.close();
    this.kept.clear();
    const loaded = this.loaded;
    this.loaded = undefined;
    void loaded?.then(disposeQueryModels, () => undefined);
  }
}
