import path from 'node:path';
import * as vscode from 'vscode';
import { CompletionSession, openKeywordIndex } from '../../core/completion';
import type { ChunkStore } from '../../core/store/chunk-store';
import { readConfig, ollamaClient } from '../config/config';
import { DisposableStore } from '../disposable-store';
import type { IndexManager } from '../indexing/index-manager';
import type { IndexState } from '../indexing/index-state';

/** A replaced index stays open this long, so a search already running on it can finish. */
const RETIRE_DELAY_MS = 10_000;

/** A session and, for a workspace folder, the index it searches. */
interface Entry {
  session: CompletionSession;
  folder?: vscode.WorkspaceFolder;
  store?: ChunkStore;
  /** Which state of the index `store` was opened on; a new one means re-open. */
  opened?: string;
  /** Bumped on every re-open, so a slow open finishing late does not replace a newer one. */
  generation: number;
}

/**
 * One completion session per workspace folder, since a session's paths are relative to its folder
 * as in that folder's index, plus one for files outside every folder. Each follows its folder's
 * index (re-opened for keyword search after each sync); `reset` starts all afresh when a setting
 * names another model or server.
 */
export class CompletionSessions implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly indexes: IndexManager) {
    this.store.add(
      indexes.onDidChange(() => {
        for (const entry of this.entries.values()) this.followIndex(entry);
      }),
    );
  }

  /** The session for a document and the document's path as that session knows it. */
  forDocument(document: vscode.TextDocument): { session: CompletionSession; path: string } {
    const folder = document.uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(document.uri) : undefined;
    const key = folder?.uri.toString() ?? '';
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { session: createSession(folder), folder, generation: 0 };
      this.entries.set(key, entry);
      this.followIndex(entry);
    }
    const relative = folder
      ? path.relative(folder.uri.fsPath, document.uri.fsPath).split(path.sep).join('/')
      : path.basename(document.fileName);
    return { session: entry.session, path: relative };
  }

  /** Drops every session (and its cache and model check); the next request starts a new one. */
  reset(): void {
    for (const entry of this.entries.values()) close(entry);
    this.entries.clear();
  }

  dispose(): void {
    this.reset();
    this.store.dispose();
  }

  private followIndex(entry: Entry): void {
    const index = entry.folder && this.indexes.forUri(entry.folder.uri);
    const wanted = index ? openable(index.state) : 'none';
    if (wanted === undefined || wanted === entry.opened) return;
    entry.opened = wanted;
    const generation = ++entry.generation;
    const replace = (store: ChunkStore | undefined) => {
      if (generation !== entry.generation) {
        store?.close();
        return;
      }
      const old = entry.store;
      entry.store = store;
      entry.session.setIndex(store);
      if (old) setTimeout(() => old.close(), RETIRE_DELAY_MS).unref();
    };
    if (wanted === 'none' || !index) {
      replace(undefined);
      return;
    }
    // Without an index, completion works from the current file alone; that is no error to show.
    void openKeywordIndex(index.dbDir).then(
      (opened) => replace(opened.store),
      () => replace(undefined),
    );
  }
}

/**
 * Which index to search for a state: 'none' when there is none, a key that changes with each
 * finished sync when there is one, undefined while it is being built (keep what is open).
 */
function openable(state: IndexState): string | undefined {
  switch (state.kind) {
    case 'ready':
    case 'partial':
      return `${state.kind} ${state.updatedAt}`;
    case 'locked':
      return 'locked';
    case 'missing':
    case 'damaged':
      return 'none';
    default:
      return undefined;
  }
}

function createSession(folder: vscode.WorkspaceFolder | undefined): CompletionSession {
  const config = readConfig(folder?.uri);
  return new CompletionSession({
    ollama: ollamaClient(config),
    model: config.completionModel,
    debounceMs: config.completionDebounceMs,
    onNotice: (notice) => void vscode.window.showInformationMessage(notice),
  });
}

function close(entry: Entry): void {
  entry.generation++;
  entry.session.dispose();
  entry.store?.close();
  entry.store = undefined;
}
