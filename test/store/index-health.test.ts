import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunking/chunk';
import { RepoSageError } from '../../src/core/errors';
import { readIndexStatus } from '../../src/core/indexer/status';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { acquireIndexLock } from '../../src/core/store/index-lock';
import { deepCheck } from '../../src/core/store/verify';
import { makeTempDir } from '../support/temp-dir';

// Hand-made unit vectors: what is under test is how the store tells whole, partial and damaged apart.
const identity = { embeddingModel: 'test/model', dimension: 4, chunkerVersion: 'c1' };

function chunk(filePath: string, text: string): Chunk {
  const contentHash = createHash('sha256').update(text).digest('hex');
  return { id: `${filePath}#1`, path: filePath, language: 'typescript', startLine: 1, endLine: 1, contentHash, text };
}

function row(filePath: string) {
  return { path: filePath, size: 10, mtime_ms: 1, content_hash: 'h', chunk_count: 1, language: 'typescript' };
}

const vector = Float32Array.from([1, 0, 0, 0]);

async function writeFiles(store: ChunkStore, names: string[]): Promise<void> {
  for (const name of names)
    await store.replaceFiles([row(name)], [{ chunk: chunk(name, `function ${name.replace(/\W/g, '')}() {}`), vector }]);
}

async function caught(promise: Promise<unknown>): Promise<RepoSageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RepoSageError)) throw new Error(`expected a RepoSageError, got ${String(error)}`);
  return error;
}

/** Every file under a folder, largest first. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { recursive: true });
  const files: Array<{ file: string; size: number }> = [];
  for (const entry of entries) {
    const stats = await fs.stat(path.join(folder, entry));
    if (stats.isFile()) files.push({ file: path.join(folder, entry), size: stats.size });
  }
  return files.sort((a, b) => b.size - a.size).map((f) => f.file);
}

describe('index health', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  async function completeIndex(names = ['a.ts', 'b.ts', 'c.ts']): Promise<void> {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    await store.beginRun(names.length);
    await writeFiles(store, names);
    await store.finishWrite();
    store.close();
  }

  it('says a cut-short first build is partial, with how far it got, and still answers from it', async () => {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    await store.beginRun(3);
    await writeFiles(store, ['a.ts']);
    store.close(); // killed here: no finishWrite

    const status = await readIndexStatus(dir);
    expect(status).toMatchObject({ state: 'partial', files: 1, filesPlanned: 3, chunks: 1 });
    const reader = await ChunkStore.openForRead(dir, identity);
    expect(reader.health).toMatchObject({ state: 'partial', files: 1, filesPlanned: 3 });
    expect((await reader.searchDense(vector, 5)).map((hit) => hit.chunk.path)).toEqual(['a.ts']);
    // No full-text index until the build finishes: keyword search finds nothing rather than failing.
    expect(await reader.searchKeywords('function', 5)).toEqual([]);
    reader.close();

    const resumed = await ChunkStore.openForWrite(dir, identity);
    expect(resumed.rebuiltBecause).toBeUndefined();
    await writeFiles(resumed.store, ['b.ts', 'c.ts']);
    await resumed.store.finishWrite();
    resumed.store.close();
    expect(await readIndexStatus(dir)).toMatchObject({ state: 'complete', files: 3, chunks: 3 });
  });

  it('says an update cut short after a finished build is partial, and building while a writer holds it', async () => {
    await completeIndex();
    const { store } = await ChunkStore.openForWrite(dir, identity);
    await store.beginRun(4);
    await writeFiles(store, ['d.ts']);
    const lock = await acquireIndexLock(dir);
    expect(await readIndexStatus(dir)).toMatchObject({
      state: 'building',
      files: 4,
      filesPlanned: 4,
      writerPid: process.pid,
    });
    await lock.release();
    store.close();
    expect(await readIndexStatus(dir)).toMatchObject({ state: 'partial', files: 4 });
  });

  it('reports an unreadable manifest as damaged, not missing, and rebuilds it', async () => {
    await completeIndex();
    await fs.writeFile(path.join(dir, 'manifest.json'), '{"schemaVersion": 1, "embeddingMo');
    const error = await caught(readIndexStatus(dir));
    expect(error.code).toBe('INDEX_CORRUPT');
    expect(error.describe()).toMatch(/manifest\.json is unreadable.*reposage index/);
    expect((await caught(ChunkStore.openForRead(dir, identity))).code).toBe('INDEX_CORRUPT');
    const { store, rebuiltBecause } = await ChunkStore.openForWrite(dir, identity);
    expect(rebuiltBecause).toMatch(/manifest/);
    store.close();
  });

  it('says clearly that --db names a file, not a folder', async () => {
    const file = path.join(dir, 'not-a-folder');
    await fs.writeFile(file, 'x');
    const error = await caught(acquireIndexLock(file));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.describe()).toMatch(/is a file, not a folder.*--db/);
    expect((await caught(readIndexStatus(file))).describe()).toMatch(/is a file, not a folder/);
  });

  for (const damage of ['deleted', 'truncated'] as const) {
    it(`finds a ${damage} data file on open, refuses to search, with Lance's words; rebuilds beside it`, async () => {
      await completeIndex();
      const [largest] = await filesUnder(path.join(dir, 'chunks.lance', 'data'));
      if (damage === 'deleted') await fs.rm(largest);
      else await fs.truncate(largest, 10);

      const status = await readIndexStatus(dir);
      expect(status.state).toBe('damaged');
      expect(status.problems.join(' ')).toMatch(/data files are missing or cut short/);
      const error = await caught(ChunkStore.openForRead(dir, identity));
      expect(error.code).toBe('INDEX_CORRUPT');
      expect(error.describe()).toMatch(/reposage index/);
      expect(error.describe()).not.toMatch(/\.rs:|lance-/);

      const { store, rebuiltBecause } = await ChunkStore.openForWrite(dir, identity);
      expect(rebuiltBecause).toMatch(/damaged/);
      // The damaged tables stay until the rebuild is complete.
      expect(await fs.readdir(dir)).toEqual(expect.arrayContaining(['chunks.lance', 'chunks-2.lance']));
      await writeFiles(store, ['a.ts', 'b.ts', 'c.ts']);
      await store.finishWrite();
      store.close();
      expect(await fs.readdir(dir)).not.toContain('chunks.lance');
      expect(await readIndexStatus(dir)).toMatchObject({ state: 'complete', files: 3, chunks: 3 });
    });
  }

  it('finds a deleted full-text index folder and re-creates it without rebuilding the tables', async () => {
    await completeIndex();
    await fs.rm(path.join(dir, 'chunks.lance', '_indices'), { recursive: true });

    const status = await readIndexStatus(dir);
    expect(status).toMatchObject({ state: 'damaged' });
    expect(status.problems.join(' ')).toMatch(/full-text index is missing/);
    expect((await caught(ChunkStore.openForRead(dir, identity))).code).toBe('INDEX_CORRUPT');

    const { store, rebuiltBecause, repairing } = await ChunkStore.openForWrite(dir, identity);
    expect(rebuiltBecause).toBeUndefined();
    expect(repairing).toEqual(['definitions', 'search_text']);
    await store.finishWrite();
    store.close();
    const reader = await ChunkStore.openForRead(dir, identity);
    expect(reader.health.state).toBe('complete');
    expect((await reader.searchKeywords('function b', 1))[0].chunk.path).toBe('b.ts');
    reader.close();
  });

  it('finds rows garbled inside a data file, which no cheap check sees, and heals by a rebuild', async () => {
    await completeIndex(Array.from({ length: 40 }, (_, i) => `src/file${i}.ts`));
    expect(await deepCheck(dir)).toMatchObject({ ok: true, chunksRead: 40, filesRead: 40 });
    const [largest] = await filesUnder(path.join(dir, 'chunks.lance', 'data'));
    const bytes = await fs.readFile(largest);
    // Random bytes over the middle half of the file: same size, so the cheap check still passes.
    randomBytes(bytes.length / 2).copy(bytes, Math.floor(bytes.length / 4));
    await fs.writeFile(largest, bytes);
    expect((await readIndexStatus(dir)).state).toBe('complete');

    const check = await deepCheck(dir);
    expect(check.ok).toBe(false);
    expect(check.rowsDamaged).toBe(true);
    expect(check.problems.join(' ')).not.toMatch(/\.rs:/);

    const { store, rebuiltBecause } = await ChunkStore.openForWrite(dir, identity, {
      rebuildBecause: 'doctor found damaged rows',
    });
    expect(rebuiltBecause).toBe('doctor found damaged rows');
    await writeFiles(
      store,
      Array.from({ length: 40 }, (_, i) => `src/file${i}.ts`),
    );
    await store.finishWrite();
    store.close();
    expect(await deepCheck(dir)).toMatchObject({ ok: true, chunksRead: 40 });
  });
});
