import { createHash } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import { IndexWorker } from '../../core/indexer/worker-client';
import { affectsIndex, readConfig, resolveModelsDir, settingChanged } from '../config/config';
import { DisposableStore } from '../disposable-store';
import type { ErrorReporter } from '../errors/report-error';
import { FolderIndex, type SyncRunner } from './folder-index';
import { summarize, type IndexOverview } from './index-state';

/**
 * One index per workspace folder, kept under the workspace's storage (never inside the repository).
 * Folders share one indexing worker, which keeps the embedding model loaded, and take turns on it.
 * Nothing is indexed while the workspace is untrusted.
 */
export class IndexManager implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly folders = new Map<string, FolderIndex>();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private worker: IndexWorker | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly errors: ErrorReporter,
  ) {}

  start(): void {
    this.store.add(vscode.workspace.onDidChangeWorkspaceFolders(() => this.matchFolders()));
    this.store.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.matchFolders()));
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        // A different model or file set invalidates the loaded worker and every running sync.
        if (affectsIndex(event) || settingChanged(event, 'autoIndex')) this.restart();
      }),
    );
    this.matchFolders();
  }

  /** Why indexing cannot run at all in this window, if it cannot. */
  unavailableReason(): string | undefined {
    if (!vscode.workspace.isTrusted)
      return vscode.l10n.t(
        'RepoSage does not index or send code from an untrusted workspace. Trust the workspace to use it.',
      );
    if (!vscode.workspace.workspaceFolders?.length) return vscode.l10n.t('Open a folder to index it with RepoSage.');
    if (!this.context.storageUri) return vscode.l10n.t('This window has no workspace storage for a RepoSage index.');
    if (this.folders.size === 0) return vscode.l10n.t('RepoSage indexes local folders only.');
    return undefined;
  }

  all(): FolderIndex[] {
    return [...this.folders.values()];
  }

  /** The index of the folder holding `uri`, if that folder is indexed. */
  forUri(uri: vscode.Uri): FolderIndex | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.folders.get(folder.uri.toString()) : undefined;
  }

  overview(): IndexOverview | { kind: 'untrusted' } {
    if (!vscode.workspace.isTrusted) return { kind: 'untrusted' };
    return summarize(this.all().map((index) => index.state));
  }

  dispose(): void {
    for (const index of this.folders.values()) index.dispose();
    this.folders.clear();
    void this.worker?.dispose();
    this.worker = undefined;
    this.store.dispose();
  }

  private restart(): void {
    for (const index of this.folders.values()) index.dispose();
    this.folders.clear();
    void this.worker?.dispose();
    this.worker = undefined;
    this.matchFolders();
  }

  /** Adds indexes for new local folders and drops those of removed ones. */
  private matchFolders(): void {
    const storage = this.context.storageUri;
    const wanted =
      vscode.workspace.isTrusted && storage
        ? (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file')
        : [];
    const keys = new Set(wanted.map((folder) => folder.uri.toString()));
    for (const [key, index] of this.folders) {
      if (!keys.has(key)) {
        index.dispose();
        this.folders.delete(key);
      }
    }
    const config = readConfig();
    for (const folder of wanted) {
      const key = folder.uri.toString();
      if (this.folders.has(key)) continue;
      const index = new FolderIndex(
        folder,
        indexDir(storage!.fsPath, folder),
        () => readConfig(folder.uri),
        this.runner,
        (error) => this.errors.report(error),
      );
      index.onDidChange(() => this.changed.fire());
      this.folders.set(key, index);
      void index.refresh().then(() => {
        if (!config.autoIndex || !this.folders.has(key)) return;
        index.watch();
        return index.sync();
      });
    }
    this.changed.fire();
  }

  /** Syncs run one after another on the shared worker, so two folders never compete for the CPU. */
  private readonly runner: SyncRunner = (options, controls) => {
    const run = this.queue.then(() => this.getWorker().sync(options, controls));
    this.queue = run.catch(() => undefined);
    return run;
  };

  private getWorker(): IndexWorker {
    if (!this.worker) {
      const config = readConfig();
      this.worker = new IndexWorker(path.join(this.context.extensionPath, 'dist', 'index-worker.js'), {
        modelsDir: resolveModelsDir(config, this.context.extensionPath),
        embeddingModel: config.embeddingModel,
      });
    }
    return this.worker;
  }
}

/** `<storage>/indexes/<folder name>-<hash of its uri>`: readable, and unique across same-named folders. */
function indexDir(storage: string, folder: vscode.WorkspaceFolder): string {
  const hash = createHash('sha256').update(folder.uri.toString()).digest('hex').slice(0, 12);
  const name = path.basename(folder.uri.fsPath).replace(/[^\w.-]/g, '_') || 'folder';
  return path.join(storage, 'indexes', `${name}-${hash}`);
}
