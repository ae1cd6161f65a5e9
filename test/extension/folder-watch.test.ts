import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as vscode from 'vscode';
import type { IndexOptions, IndexSummary } from '../../src/core/indexer/types';
import type { RepoSageConfig } from '../../src/extension/config/config';
import { FolderIndex } from '../../src/extension/indexing/folder-index';
import { makeTempDir } from '../support/temp-dir';

/** VS Code's file watcher as a stand-in whose events the test fires; the rest of FolderIndex is real. */
const host = vi.hoisted(() => {
  class EventEmitter<T> {
    private readonly listeners = new Set<(value: T) => void>();
    readonly event = (listener: (value: T) => void) => {
      this.listeners.add(listener);
      return { dispose: () => this.listeners.delete(listener) };
    };
    fire(value: T): void {
      for (const listener of this.listeners) listener(value);
    }
    dispose(): void {
      this.listeners.clear();
    }
  }
  const watcher = {
    created: new EventEmitter<{ fsPath: string; path: string }>(),
    changed: new EventEmitter<{ fsPath: string; path: string }>(),
    deleted: new EventEmitter<{ fsPath: string; path: string }>(),
  };
  const workspace = {
    createFileSystemWatcher: () => ({
      onDidCreate: watcher.created.event,
      onDidChange: watcher.changed.event,
      onDidDelete: watcher.deleted.event,
      dispose: () => undefined,
    }),
  };
  return { watcher, vscode: { EventEmitter, workspace, RelativePattern: class {} } };
});
vi.mock('vscode', () => host.vscode);

describe('the folder index watching its files', () => {
  let folderIndex: FolderIndex | undefined;
  afterEach(() => folderIndex?.dispose());

  it('hands the indexer the paths that changed, and the whole workspace only when asked', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const root = path.join(dir, 'repo');
      const runs: Array<IndexOptions['changedPaths']> = [];
      let finished!: () => void;
      let done = new Promise<void>((resolve) => (finished = resolve));
      const runSync = async (options: IndexOptions): Promise<IndexSummary> => {
        runs.push(options.changedPaths);
        finished();
        return {} as IndexSummary;
      };
      folderIndex = new FolderIndex(
        { uri: { fsPath: root }, name: 'repo', index: 0 } as unknown as vscode.WorkspaceFolder,
        path.join(dir, 'index'),
        () => ({}) as RepoSageConfig,
        runSync,
        () => undefined,
      );
      folderIndex.watch();
      const uri = (relative: string) => ({ fsPath: path.join(root, relative), path: `${root}/${relative}` });

      // The first run after opening knows nothing of what changed while the editor was closed.
      await folderIndex.sync();
      expect(runs).toEqual([undefined]);

      done = new Promise<void>((resolve) => (finished = resolve));
      host.watcher.changed.fire(uri('src/billing.py'));
      host.watcher.created.fire(uri('src/new.py'));
      host.watcher.deleted.fire(uri('src/old.py'));
      host.watcher.changed.fire(uri('.git/index'));
      host.watcher.changed.fire({ fsPath: path.join(dir, 'elsewhere.py'), path: `${dir}/elsewhere.py` });
      await done;
      expect(runs[1]?.sort()).toEqual(['src/billing.py', 'src/new.py', 'src/old.py']);
    } finally {
      await cleanup();
    }
  });
});
