import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import type { IndexProgress } from '../../src/core/indexer/types';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';

/** A sync told which paths changed, against a repository with real models and LanceDB on disk. */
describe('syncing named paths only', () => {
  let models: IndexerModels;
  let root: string;
  let dbDir: string;
  let cleanup: () => Promise<void>;

  const indexed = async (): Promise<string[]> => {
    const store = await ChunkStore.openForRead(dbDir, {
      embeddingModel: models.embedder.modelId,
      chunkerVersion: CHUNKER_VERSION,
    });
    try {
      return [...(await store.catalog()).keys()].sort();
    } finally {
      store.close();
    }
  };
  const keywordHits = async (query: string): Promise<string[]> => {
    const store = await ChunkStore.openForRead(dbDir, {
      embeddingModel: models.embedder.modelId,
      chunkerVersion: CHUNKER_VERSION,
    });
    try {
      return (await store.searchKeywords(query, 5)).map((hit) => hit.chunk.path);
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    dbDir = path.join(temp.dir, 'index');
    await writeTree(root, {
      '.gitignore': '*.log\n',
      'src/app/billing.py': 'def compute_invoice_total(lines):\n    return sum(lines)\n',
      'src/app/shipping.py': 'def shipping_cost(weight):\n    return weight * 3\n',
      'src/legacy/old.py': 'def old_helper():\n    return 1\n',
      'docs/guide.md': '# Guide\n\nHow invoices are sent.\n',
      'tests/test_billing.py': 'def test_total():\n    assert compute_invoice_total([]) == 0\n',
    });
    await syncIndex({ root, dbDir }, models);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await models?.embedder.dispose();
    await cleanup?.();
  });

  it('indexes the changed, new and deleted files it is told about, reading only the folders on their way', async () => {
    await fs.writeFile(
      path.join(root, 'src/app/billing.py'),
      'def compute_refund_total(lines):\n    return -sum(lines)\n',
    );
    await fs.writeFile(path.join(root, 'src/app/payments.py'), 'def capture_payment(card):\n    return card\n');
    await fs.rm(path.join(root, 'src/app/shipping.py'));
    await fs.writeFile(path.join(root, 'src/app/debug.log'), 'compute_refund_total was called\n');
    await fs.writeFile(path.join(root, 'src/app/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2]));
    // Changed too, but not named: a sync of named paths must not find it.
    await fs.writeFile(path.join(root, 'docs/unnamed.md'), '# Unnamed\n\nSomething about parcels.\n');

    const listed: string[] = [];
    const progresses: IndexProgress[] = [];
    const readdir = fs.readdir.bind(fs);
    const spy = vi.spyOn(fs, 'readdir').mockImplementation(((folder: string, ...rest: unknown[]) => {
      listed.push(path.relative(root, String(folder)).split(path.sep).join('/'));
      return (readdir as (...args: unknown[]) => unknown)(folder, ...rest);
    }) as typeof fs.readdir);
    const summary = await syncIndex(
      {
        root,
        dbDir,
        changedPaths: [
          'src/app/billing.py',
          'src/app/payments.py',
          'src/app/shipping.py',
          'src/app/debug.log',
          'src/app/logo.png',
        ],
      },
      models,
      { onProgress: (progress) => progresses.push(progress) },
    );
    spy.mockRestore();

    expect(summary.files).toMatchObject({ indexed: 2, removed: 1 });
    // A file found not worth indexing (the image) counts as done: progress ends at all files.
    const last = progresses.at(-1)!;
    expect(last.filesDone).toBe(last.filesTotal);
    // The root and the folders on the way to the named files, nothing else of the workspace.
    expect(new Set(listed.filter((folder) => !folder.startsWith('..')))).toEqual(new Set(['', 'src', 'src/app']));
    expect(await indexed()).toEqual([
      '.gitignore',
      'docs/guide.md',
      'src/app/billing.py',
      'src/app/payments.py',
      'src/legacy/old.py',
      'tests/test_billing.py',
    ]);
    expect((await keywordHits('compute_refund_total'))[0]).toBe('src/app/billing.py');
    expect(await keywordHits('invoice')).not.toContain('src/app/billing.py');
    expect((await keywordHits('capture_payment'))[0]).toBe('src/app/payments.py');
  });

  it('takes a deleted folder out whole, and re-reads a folder whose ignore file changed', async () => {
    await fs.rm(path.join(root, 'src/legacy'), { recursive: true });
    await fs.writeFile(path.join(root, '.gitignore'), '*.log\ntests/\n');
    await syncIndex({ root, dbDir, changedPaths: ['src/legacy', '.gitignore'] }, models);
    // The root's ignore file changed: the whole root was looked at again, the unnamed page included.
    expect(await indexed()).toEqual([
      '.gitignore',
      'docs/guide.md',
      'docs/unnamed.md',
      'src/app/billing.py',
      'src/app/payments.py',
    ]);
  });
});

describe('named paths on an index that was never finished', () => {
  it('walks the whole workspace instead, so nothing the first run missed stays missing', async () => {
    const models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    const { dir, cleanup } = await makeTempDir();
    try {
      const root = path.join(dir, 'repo');
      await writeTree(root, { 'a.py': 'def alpha():\n    return 1\n', 'lib/b.py': 'def beta():\n    return 2\n' });
      const summary = await syncIndex({ root, dbDir: path.join(dir, 'index'), changedPaths: ['a.py'] }, models);
      expect(summary.files.indexed).toBe(2);
    } finally {
      await models.embedder.dispose();
      await cleanup();
    }
  });
});
