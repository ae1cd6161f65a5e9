import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as vscode from 'vscode';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { readManifest } from '../../src/core/store/manifest';
import type { ErrorReporter } from '../../src/extension/errors/report-error';
import { IndexManager } from '../../src/extension/indexing/index-manager';
import { SearchModels } from '../../src/extension/retrieval/search-models';
import { buildDist, repoRoot } from '../support/build-dist';
import { testModels } from '../support/models';
import { type RealMinio, startMinio } from '../support/real-minio';
import { makeTempDir, writeTree } from '../support/temp-dir';

/**
 * The editor's side of a shared index: the `reposage.sharedIndex` setting, read by the extension's
 * own config code, reaches the indexing worker (dist/index-worker.js, as the extension runs it) and
 * the search, against a real MinIO. VS Code's API is the only stand-in: a settings map, one trusted
 * workspace folder, events that never fire.
 */
const host = vi.hoisted(() => {
  const settings = new Map<string, unknown>();
  const never = () => ({ dispose: () => undefined });
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
  const workspace = {
    isTrusted: true,
    workspaceFolders: [] as unknown[],
    getConfiguration: (section: string) => ({ get: (key: string) => settings.get(`${section}.${key}`) }),
    onDidChangeConfiguration: never,
    onDidChangeWorkspaceFolders: never,
    onDidGrantWorkspaceTrust: never,
  };
  return { settings, vscode: { EventEmitter, workspace, l10n: { t: (text: string) => text } } };
});
vi.mock('vscode', () => host.vscode);

const SHARED = 's3://team/main';

const committed: Record<string, string> = {
  'src/config.ts':
    '/** Reads the configuration file and fills in the default port. */\n' +
    'export function parseConfigFile(text: string) {\n  return JSON.parse(text).port ?? 8080;\n}\n',
  'src/server.py':
    'def start_http_server(port):\n    """Start the HTTP server listening on a port."""\n    return port\n',
  'src/ledger.ts':
    '/** Computes the checksum of a ledger entry. */\nexport function ledgerChecksum(x: number): number {\n' +
    '  return x * 31 + 7;\n}\n',
};

let minio: RealMinio;
let work: { dir: string; cleanup: () => Promise<void> };
const savedEnv = { ...process.env };

beforeAll(async () => {
  buildDist();
  minio = await startMinio();
  await minio.createBucket('team');
  // The extension host's environment; the indexing worker thread inherits it.
  Object.assign(process.env, minio.env);
  work = await makeTempDir();
  // CI builds the shared index from the committed tree.
  const ci = path.join(work.dir, 'ci');
  await writeTree(ci, committed);
  const indexer = await loadIndexerModels({ modelsDir: testModels().modelsDir });
  try {
    await syncIndex({ root: ci, dbDir: SHARED }, indexer);
  } finally {
    await indexer.embedder.dispose();
  }
}, 30 * 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await minio?.stop();
  await work?.cleanup();
});

describe('the reposage.sharedIndex setting in the extension', () => {
  it('makes the folder index a local overlay and searches it merged with the shared index', async () => {
    // A developer's checkout: one file edited, one added, the rest as committed.
    const workspace = path.join(work.dir, 'developer');
    await writeTree(workspace, {
      ...committed,
      'src/config.ts':
        '/** Loads settings from environment variables instead of a file. */\n' +
        'export function loadSettingsFromEnvironment() {\n  return process.env.PORT;\n}\n',
      'src/retry.ts':
        '/** Retries a failed request with exponential backoff. */\nexport function retryWithBackoff() {}\n',
    });
    host.settings.set('reposage.sharedIndex', SHARED);
    host.settings.set('reposage.modelsDir', testModels().modelsDir);
    host.settings.set('reposage.index.autoIndex', false);
    host.vscode.workspace.workspaceFolders = [
      {
        uri: { scheme: 'file', fsPath: workspace, path: workspace, toString: () => `file://${workspace}` },
        name: 'developer',
        index: 0,
      },
    ];
    const errors: unknown[] = [];
    const context = { storageUri: { fsPath: path.join(work.dir, 'storage') }, extensionPath: repoRoot };
    const manager = new IndexManager(
      context as unknown as vscode.ExtensionContext,
      {
        report: (error: unknown) => errors.push(error),
      } as unknown as ErrorReporter,
    );
    const log = { warn: () => undefined } as unknown as vscode.LogOutputChannel;
    const search = new SearchModels(repoRoot, log);
    try {
      manager.start();
      const [folder] = manager.all();
      await folder.sync();
      expect(errors).toEqual([]);
      // Only what differs from the shared index was indexed here: the edited and the new file.
      expect(folder.state).toMatchObject({ kind: 'ready', files: 2, chunks: 2 });
      const manifest = await readManifest(folder.dbDir);
      expect(manifest?.overlay).toMatchObject({ sharedIndex: SHARED, masked: ['src/config.ts'] });

      const ask = async (question: string) => {
        const handle = await search.open(folder.dbDir);
        try {
          return (await handle.retriever.retrieve(question, { mode: 'hybrid', k: 10 })).chunks.map((hit) => hit.chunk);
        } finally {
          handle.close();
        }
      };
      // From the shared index: files unchanged here.
      expect((await ask('start the HTTP server listening'))[0].path).toBe('src/server.py');
      expect((await ask('checksum of a ledger entry'))[0].path).toBe('src/ledger.ts');
      // From the overlay: the new file and the edited one, never the shared copy of the edited file.
      expect((await ask('retry a failed request with backoff'))[0].path).toBe('src/retry.ts');
      const config = await ask('configuration file default port settings environment');
      expect(config[0].text).toContain('loadSettingsFromEnvironment');
      expect(config.filter((chunk) => chunk.text.includes('parseConfigFile'))).toEqual([]);
    } finally {
      search.dispose();
      manager.dispose();
    }
  });
});
