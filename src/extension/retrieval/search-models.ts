import * as vscode from 'vscode';
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
 * extension's lifetime, or until a setting names other models. Each search opens the index fresh,
 * so it sees what the last sync wrote.
 */
export class SearchModels implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private loaded: Promise<QueryModels> | undefined;

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

  /** Opens the index in dbDir for one search; close the handle when the search is done. */
  async open(dbDir: string): Promise<SearchHandle> {
    return openSearch(dbDir, await this.models(), readConfig().sharedIndex);
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
    const loaded = this.loaded;
    this.loaded = undefined;
    void loaded?.then(disposeQueryModels, () => undefined);
  }
}
