import path from 'node:path';
import * as vscode from 'vscode';
import { RepoSageError, isCancellation } from '../../core/errors';
import { readIndexStatus } from '../../core/indexer/status';
import type { SyncControls } from '../../core/indexer/sync';
import type { IndexOptions, IndexSummary } from '../../core/indexer/types';
import { clearIndex } from '../../core/store/clear-index';
import type { RepoSageConfig } from '../config/config';
import { DisposableStore } from '../disposable-store';
import { type IndexState, stateOf } from './index-state';

/** Runs one sync; the manager supplies it so folders share one worker and take turns. */
export type SyncRunner = (options: IndexOptions, controls: SyncControls) => Promise<IndexSummary>;

/**
 * After a file change, wait this long for the others of the same moment (a save that formats, a
 * rename); changes arriving during a run are gathered for the next one, so a branch switch is a
 * few runs, each over only the files it changed.
 */
const CHANGE_DEBOUNCE_MS = 50;

/** Git's own bookkeeping and a CLI-built index change often and never hold indexed files. */
const IGNORED_CHANGES = /\/(\.git|\.reposage)\//;

/**
 * The index of one workspace folder: its state, its sync runs (one at a time; a request during a
 * run queues exactly one more), and the file watcher that keeps it live.
 */
export class FolderIndex implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<IndexState>());
  readonly onDidChange = this.changed.event;
  private current: IndexState = { kind: 'unknown' };
  private running: Promise<void> | undefined;
  private again = false;
  private abort: AbortController | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private disposed = false;
  /** What the next run looks at: the paths changed since the last run began, or everything. */
  private pending: Set<string> | 'all' = 'all';

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly dbDir: string,
    private readonly config: () => RepoSageConfig,
    private readonly runSync: SyncRunner,
    private readonly onError: (error: unknown) => void,
  ) {}

  get state(): IndexState {
    return this.current;
  }

  get root(): string {
    return this.folder.uri.fsPath;
  }

  /** Reads what is on disk, without indexing. */
  async refresh(): Promise<void> {
    if (!this.running) await this.readStatus();
  }

  private async readStatus(): Promise<void> {
    try {
      this.setState(stateOf(await readIndexStatus(this.dbDir)));
    } catch (error) {
      if (error instanceof RepoSageError && error.code === 'INDEX_MISSING') this.setState({ kind: 'missing' });
      else this.fail(error);
    }
  }

  /**
   * Re-indexes on file changes from now on (creations, edits, deletions, branch switches), handing
   * the indexer the changed paths so that a save never walks the workspace.
   */
  watch(): void {
    const watcher = this.store.add(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.folder, '**/*')),
    );
    const schedule = (uri: vscode.Uri) => {
      if (IGNORED_CHANGES.test(uri.path)) return;
      const relative = path.relative(this.root, uri.fsPath);
      if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
        return;
      if (this.pending !== 'all') this.pending.add(relative.split(path.sep).join('/'));
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.run(), CHANGE_DEBOUNCE_MS);
    };
    this.store.add(watcher.onDidCreate(schedule));
    this.store.add(watcher.onDidChange(schedule));
    this.store.add(watcher.onDidDelete(schedule));
  }

  /** Brings the whole index up to date. Resolves when no run is left; never rejects (errors become state). */
  sync(): Promise<void> {
    this.pending = 'all';
    return this.run();
  }

  private run(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  cancel(): void {
    this.again = false;
    this.abort?.abort();
  }

  /** Deletes the index from disk, waiting for a run in progress to stop first. */
  async clear(): Promise<void> {
    this.cancel();
    await this.running;
    await clearIndex(this.dbDir);
    this.setState({ kind: 'missing' });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    this.cancel();
    this.store.dispose();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.runOnce();
    } while (this.again && !this.disposed);
  }

  private async runOnce(): Promise<void> {
    const changed = this.pending;
    this.pending = new Set();
    if (changed !== 'all' && changed.size === 0) return;
    const config = this.config();
    const abort = new AbortController();
    this.abort = abort;
    this.setState({ kind: 'indexing' });
    try {
      const options: IndexOptions = {
        root: this.root,
        dbDir: this.dbDir,
        embeddingModel: config.embeddingModel,
        include: config.include,
        exclude: config.exclude,
        includeKinds: config.includeKinds,
        maxFileBytes: config.maxFileBytes,
        // With a shared index, this folder's index is only the overlay; the shared one is never written here.
        sharedIndex: config.sharedIndex,
        changedPaths: changed === 'all' ? undefined : [...changed],
      };
      await this.runSync(options, {
        signal: abort.signal,
        onProgress: (progress) => {
          if (!abort.signal.aborted) this.setState({ kind: 'indexing', progress });
        },
      });
      await this.readStatus();
    } catch (error) {
      // What this run did not finish is no longer known file by file: the next run looks at everything.
      this.pending = 'all';
      if (isCancellation(error)) {
        await this.readStatus();
      } else if (error instanceof RepoSageError && error.code === 'INDEX_LOCKED') {
        this.setState({ kind: 'locked', message: error.describe() });
      } else {
        this.fail(error);
      }
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }

  private fail(error: unknown): void {
    const code = error instanceof RepoSageError ? error.code : undefined;
    const message =
      error instanceof RepoSageError ? error.describe() : error instanceof Error ? error.message : String(error);
    // A failure that repeats on every save is shown once, not once per save.
    const repeated = this.current.kind === 'error' && this.current.code === code && this.current.message === message;
    this.setState({ kind: 'error', code, message });
    if (!repeated) this.onError(error);
  }

  private setState(state: IndexState): void {
    if (this.disposed) return;
    this.current = state;
    this.changed.fire(state);
  }
}
