import * as lancedb from '@lancedb/lancedb';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunking/chunk';
import { RepoSageError } from '../../src/core/errors';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { acquireIndexLock } from '../../src/core/store/index-lock';
import { definitionKeys, splitIdentifier, toSearchText } from '../../src/core/store/search-text';
import { makeTempDir } from '../support/temp-dir';

// The store is tested with hand-made unit vectors: what is under test is storage, not model quality.
const identity = { embeddingModel: 'test/model', dimension: 4, chunkerVersion: 'c1' };

function chunk(filePath: string, startLine: number, text: string): Chunk {
  const contentHash = createHash('sha256').update(text).digest('hex');
  return {
    id: `${filePath}#${startLine}`,
    path: filePath,
    language: 'typescript',
    startLine,
    endLine: startLine + 2,
    contentHash,
    text,
  };
}

function unit(...values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values.map((v) => v / norm));
}

function file(filePath: string, hash: string, chunkCount: number) {
  return { path: filePath, size: 10, mtime_ms: 1, content_hash: hash, chunk_count: chunkCount, language: 'typescript' };
}

describe('search text', () => {
  it('splits identifiers so differently written names meet', () => {
    expect(splitIdentifier('parseConfigFile')).toEqual(['parse', 'config', 'file']);
    expect(splitIdentifier('parse_config_file')).toEqual(['parse', 'config', 'file']);
    expect(splitIdentifier('HTTPServer2Handler')).toEqual(['http', 'server', '2', 'handler']);
    expect(toSearchText('const x = parseConfigFile(path)')).toBe('const x parse config file parseconfigfile path');
  });

  it('looks definitions up by their qualified name and every dotted tail, in any case', () => {
    expect(definitionKeys(['Session.send', 'parseAddr'])).toEqual(['session.send', 'send', 'parseaddr']);
    expect(definitionKeys(['Ring::push'])).toEqual(['ring.push', 'push']);
  });
});

describe('ChunkStore', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  it('stores chunks and finds them by vector and by keyword', async () => {
    const { store, rebuiltBecause } = await ChunkStore.openForWrite(dir, identity);
    expect(rebuiltBecause).toBeUndefined();
    await store.replaceFiles(
      [file('src/config.ts', 'h1', 1), file('src/window.ts', 'h2', 1)],
      [
        {
          chunk: chunk('src/config.ts', 1, 'function parseConfigFile(path) { return read(path) }'),
          vector: unit(1, 0, 0, 0),
        },
        {
          chunk: chunk('src/window.ts', 1, 'function openWindow(title) { return show(title) }'),
          vector: unit(0, 1, 0, 0),
        },
      ],
    );
    await store.finishWrite();

    const dense = await store.searchDense(unit(0.9, 0.1, 0, 0), 2);
    expect(dense.map((hit) => hit.chunk.path)).toEqual(['src/config.ts', 'src/window.ts']);
    expect(dense[0].score).toBeLessThan(dense[1].score);

    for (const query of ['parse config file', 'parse_config_file', 'parseConfigFile']) {
      const keyword = await store.searchKeywords(query, 5);
      expect(keyword[0]?.chunk.path, query).toBe('src/config.ts');
    }
    expect((await store.stats()).chunks).toBe(2);
    store.close();
  });

  it('serves chunks by keyword before their vectors exist, and by meaning only once they do', async () => {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    const config: Chunk = {
      ...chunk('src/config.ts', 1, 'function parseConfigFile(path) { return read(path) }'),
      symbol: 'parseConfigFile',
      kind: 'function',
      definitions: ['parseConfigFile'],
    };
    const table = chunk('data/rates.csv', 1, 'country rate france');
    await store.replaceFiles(
      [file('src/config.ts', 'h1', 1), file('data/rates.csv', 'h2', 1)],
      [
        { chunk: config, vector: 'pending' },
        { chunk: table, vector: 'none' },
      ],
    );
    expect(await store.makeKeywordSearchable()).toBe(true);
    expect(await store.makeKeywordSearchable()).toBe(false);
    // Written after the keyword index: still found (unindexed rows are scanned).
    const later = chunk('src/window.ts', 1, 'function openWindow(title) { return show(title) }');
    await store.replaceFiles([file('src/window.ts', 'h3', 1)], [{ chunk: later, vector: 'pending' }]);
    expect((await store.searchKeywords('open window', 5))[0]?.chunk.path).toBe('src/window.ts');
    expect(await store.searchDense(unit(1, 0, 0, 0), 5)).toEqual([]);
    expect(await store.vectorCoverage()).toEqual({ ready: 0, pending: 2, none: 1 });
    expect((await store.pendingVectors()).map((row) => row.id).sort()).toEqual([config.id, later.id]);
    expect((await store.vectorsByContentHash([config.contentHash])).size).toBe(0);

    // A chunk removed since it was read for embedding is passed over.
    await store.writeVectors(
      new Map([
        [config.id, unit(0, 1, 0, 0)],
        ['src/gone.ts#1', unit(1, 0, 0, 0)],
      ]),
    );
    const dense = await store.searchDense(unit(1, 0, 0, 0), 5);
    expect(dense.map((hit) => hit.chunk.path)).toEqual(['src/config.ts']);
    // The rest of the row is kept as it was written.
    const { definitions: _, ...stored } = config;
    expect(dense[0].chunk).toEqual(stored);
    // The vector written (orthogonal to the query), not the placeholder (the query itself).
    expect(dense[0].score).toBeCloseTo(1, 5);
    expect((await store.searchDefinitions(['parseConfigFile'], 5)).map((hit) => hit.matched)).toEqual([
      ['parseconfigfile'],
    ]);
    expect(await store.vectorCoverage()).toEqual({ ready: 1, pending: 1, none: 1 });
    await store.finishWrite();
    expect((await store.searchKeywords('parse config', 5))[0]?.chunk.path).toBe('src/config.ts');
    store.close();
  });

  it('searches static vectors until the model covers all but a sliver of the index, never mixing the two', async () => {
    const staticModel = { id: 'static:test/model:3d@abc', dimension: 3 };
    const { store } = await ChunkStore.openForWrite(dir, { ...identity, staticModel });
    expect(store.identity.staticModel).toEqual(staticModel);
    const chunks = Array.from({ length: 200 }, (_, i) => chunk(`src/f${i}.ts`, 1, `function f${i}() {}`));
    // f7 alone points where the static query looks; a data table gets neither vector.
    const table = chunk('data/rates.csv', 1, 'country rate france');
    await store.replaceFiles(
      [...chunks.map((c, i) => file(c.path, `h${i}`, 1)), file(table.path, 'ht', 1)],
      [
        ...chunks.map((c, i) => ({
          chunk: c,
          vector: 'pending' as const,
          staticVector: i === 7 ? unit(1, 0, 0) : unit(0, 1, 0),
        })),
        { chunk: table, vector: 'none' as const },
      ],
    );
    await expect(
      store.replaceFiles([file('src/x.ts', 'hx', 1)], [{ chunk: chunk('src/x.ts', 1, 'x'), vector: 'pending' }]),
    ).rejects.toThrow(/static vector/);
    await store.vectorCoverage();
    expect(store.denseSpace()).toBe('static');
    const early = await store.searchDense(unit(1, 0, 0), 300, { space: 'static' });
    expect(early).toHaveLength(200);
    expect(early[0].chunk.path).toBe('src/f7.ts');
    expect(await store.searchDense(unit(1, 0, 0, 0), 5)).toEqual([]);

    // Half embedded by the model: the static table still covers more.
    await store.writeVectors(new Map(chunks.slice(0, 100).map((c) => [c.id, unit(0, 0, 1, 0)])));
    await store.vectorCoverage();
    expect(store.denseSpace()).toBe('static');
    // One row of 200 left (0.5 %): the model's vectors serve; the static ones were kept through the vector writes.
    await store.writeVectors(new Map(chunks.slice(100, 199).map((c) => [c.id, unit(0, 0, 1, 0)])));
    await store.vectorCoverage();
    expect(store.denseSpace()).toBe('model');
    expect(await store.searchDense(unit(0, 0, 1, 0), 300)).toHaveLength(199);
    expect((await store.searchDense(unit(1, 0, 0), 1, { space: 'static' }))[0].chunk.path).toBe('src/f7.ts');
    await store.finishWrite();
    store.close();

    const reader = await ChunkStore.openForRead(dir, identity);
    expect(reader.denseSpace()).toBe('model');
    reader.close();
    // Vectors of another static table are never compared with these: the index is rebuilt for it.
    const { store: other, rebuiltBecause } = await ChunkStore.openForWrite(dir, {
      ...identity,
      staticModel: { ...staticModel, id: 'static:test/model:3d@def' },
    });
    expect(rebuiltBecause).toContain('static:test/model:3d@abc');
    other.close();
  });

  it('finds the chunks that define a name, and the chunks of a file named by the tail of its path', async () => {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    const define = (c: Chunk, definitions: string[]) => ({ chunk: { ...c, definitions }, vector: unit(1, 0, 0, 0) });
    await store.replaceFiles(
      [file('pkg/utils.py', 'h1', 2), file('pkg/sessions.py', 'h2', 1)],
      [
        define(chunk('pkg/utils.py', 1, 'def parseaddr(text): ...'), ['parseaddr']),
        define(chunk('pkg/utils.py', 9, 'x = parseaddr(y)'), []),
        define(chunk('pkg/sessions.py', 1, 'class Session: def send(self): ...'), ['Session', 'Session.send']),
      ],
    );
    await store.finishWrite();
    const found = async (names: string[]) =>
      (await store.searchDefinitions(names, 10))
        .map((hit) => `${hit.chunk.path}:${hit.chunk.startLine} ${hit.matched.join(',')}`)
        .sort();
    expect(await found(['utils.parseaddr'])).toEqual(['pkg/utils.py:1 parseaddr']);
    expect(await found(['Session.send'])).toEqual(['pkg/sessions.py:1 session.send,send']);
    expect(await found(['send', 'ParseAddr'])).toEqual(['pkg/sessions.py:1 send', 'pkg/utils.py:1 parseaddr']);
    expect(await found(['missing'])).toEqual([]);
    expect((await store.searchPaths(['utils.py'], 10)).map((c) => c.startLine).sort()).toEqual([1, 9]);
    expect((await store.searchPaths(['pkg/sessions.py', 'ils.py'], 10)).map((c) => c.path)).toEqual([
      'pkg/sessions.py',
    ]);
    expect(await store.searchPaths(["it's_%.py"], 10)).toEqual([]);
    store.close();
  });

  it("replaces a file's chunks, removes deleted files and reuses vectors by content hash", async () => {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    const a1 = chunk('a.ts', 1, 'alpha one');
    const a2 = chunk('a.ts', 5, 'alpha two');
    await store.replaceFiles(
      [file('a.ts', 'h1', 2), file('b.ts', 'h2', 1)],
      [
        { chunk: a1, vector: unit(1, 0, 0, 0) },
        { chunk: a2, vector: unit(0, 1, 0, 0) },
        { chunk: chunk('b.ts', 1, 'beta'), vector: unit(0, 0, 1, 0) },
      ],
    );
    await store.replaceFiles([file('a.ts', 'h3', 1)], [{ chunk: a2, vector: unit(0, 1, 0, 0) }]);
    expect((await store.chunksOfFile('a.ts')).map((c) => c.text)).toEqual(['alpha two']);
    expect((await store.catalog()).get('a.ts')?.content_hash).toBe('h3');

    const cached = await store.vectorsByContentHash([a2.contentHash, 'unknown']);
    expect([...cached.keys()]).toEqual([a2.contentHash]);
    expect(Array.from(cached.get(a2.contentHash)!)).toEqual(Array.from(unit(0, 1, 0, 0)));

    await store.removeFiles(['b.ts']);
    const catalog = await store.catalog();
    expect([...catalog.keys()]).toEqual(['a.ts']);
    expect((await store.stats()).chunks).toBe(1);
    store.close();
  });

  it('builds a vector index once the table is large enough and still finds rows added after it', async () => {
    // 16 dimensions so 300 scattered directions stay far apart; a sine hash keeps them deterministic.
    const spread = (seed: number) =>
      unit(...Array.from({ length: 16 }, (_, j) => Math.sin((seed + 1) * (j + 1) * 12.9898)));
    const rows = (filePath: string, from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        chunk: chunk(filePath, from + i, `row ${from + i}`),
        vector: spread(from + i),
      }));
    const { store } = await ChunkStore.openForWrite(dir, { ...identity, dimension: 16 }, { vectorIndexMinRows: 300 });
    const nearest = async (vector: Float32Array) => (await store.searchDense(vector, 5))[0];
    // The store's table as written on disk, re-read on every call to see the store's latest writes.
    const table = await (await lancedb.connect(dir, { readConsistencyInterval: 0 })).openTable('chunks');
    const vectorIndex = async () => (await table.listIndices()).find((index) => index.columns.includes('vector'));
    const vectorIndexStats = async () => table.indexStats((await vectorIndex())!.name);

    await store.replaceFiles([file('bulk.ts', 'h1', 299)], rows('bulk.ts', 1, 299));
    await store.finishWrite();
    expect(await vectorIndex()).toBeUndefined();

    await store.replaceFiles([file('one.ts', 'h2', 1)], rows('one.ts', 300, 1));
    await store.finishWrite();
    expect(await vectorIndexStats()).toMatchObject({
      indexType: 'IVF_FLAT',
      distanceType: 'cosine',
      numIndexedRows: 300,
    });
    expect((await nearest(spread(123))).chunk.id).toBe('bulk.ts#123');

    // Rows written after the index was built are outside it until optimize() adds them, yet found.
    await store.replaceFiles([file('fresh.ts', 'h3', 1)], rows('fresh.ts', 1000, 1));
    expect(await vectorIndexStats()).toMatchObject({ numUnindexedRows: 1 });
    const fresh = await nearest(spread(1000));
    expect(fresh.chunk.id).toBe('fresh.ts#1000');
    expect(fresh.score).toBeCloseTo(0, 5);
    await store.finishWrite();
    expect((await nearest(spread(1000))).chunk.id).toBe('fresh.ts#1000');

    // Enough small writes make finishWrite optimize, which folds the fresh rows into the index.
    for (let i = 0; i < 24; i++)
      await store.replaceFiles([file(`small${i}.ts`, `s${i}`, 1)], rows(`small${i}.ts`, 2000 + i, 1));
    await store.finishWrite();
    expect(await vectorIndexStats()).toMatchObject({ numIndexedRows: 325, numUnindexedRows: 0 });
    expect((await nearest(spread(1000))).chunk.id).toBe('fresh.ts#1000');
    expect((await nearest(spread(2010))).chunk.id).toBe('small10.ts#2010');
    table.close();
    store.close();
  });

  it('handles paths with quotes in filters', async () => {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    const odd = 'it\'s a "file".ts';
    await store.replaceFiles([file(odd, 'h', 1)], [{ chunk: chunk(odd, 1, 'odd'), vector: unit(1, 1, 0, 0) }]);
    expect((await store.chunksOfFile(odd)).length).toBe(1);
    await store.removeFiles([odd]);
    expect((await store.stats()).chunks).toBe(0);
    store.close();
  });

  it('rebuilds an index made with another model or chunker, and refuses to search it', async () => {
    const first = await ChunkStore.openForWrite(dir, identity);
    await first.store.replaceFiles(
      [file('a.ts', 'h', 1)],
      [{ chunk: chunk('a.ts', 1, 'alpha'), vector: unit(1, 0, 0, 0) }],
    );
    await first.store.finishWrite();
    first.store.close();

    const other = { ...identity, embeddingModel: 'other/model' };
    await expect(ChunkStore.openForRead(dir, other)).rejects.toMatchObject({ code: 'INDEX_MISMATCH' });
    await expect(ChunkStore.openForRead(dir, { ...identity, chunkerVersion: 'c2' })).rejects.toMatchObject({
      code: 'INDEX_MISMATCH',
    });

    const rebuilt = await ChunkStore.openForWrite(dir, { ...other, dimension: 4 });
    expect(rebuilt.rebuiltBecause).toContain('test/model');
    expect((await rebuilt.store.stats()).chunks).toBe(0);
    // The old index stays whole and searchable until the new one is complete.
    const old = await ChunkStore.openForRead(dir, identity);
    expect((await old.stats()).chunks).toBe(1);
    old.close();
    await rebuilt.store.finishWrite();
    rebuilt.store.close();
    expect((await ChunkStore.openForRead(dir, other)).identity.embeddingModel).toBe('other/model');
    expect((await fs.readdir(dir)).filter((entry) => entry.endsWith('.lance')).sort()).toEqual([
      'chunks-2.lance',
      'files-2.lance',
    ]);
  });

  it('reports a missing index and rebuilds a corrupt one', async () => {
    await expect(ChunkStore.openForRead(dir, identity)).rejects.toMatchObject({ code: 'INDEX_MISSING' });
    const first = await ChunkStore.openForWrite(dir, identity);
    await first.store.replaceFiles(
      [file('a.ts', 'h', 1)],
      [{ chunk: chunk('a.ts', 1, 'alpha'), vector: unit(1, 0, 0, 0) }],
    );
    first.store.close();
    await fs.rm(path.join(dir, 'chunks.lance'), { recursive: true });

    await expect(ChunkStore.openForRead(dir, identity)).rejects.toBeInstanceOf(RepoSageError);
    const again = await ChunkStore.openForWrite(dir, identity);
    expect(again.rebuiltBecause).toMatch(/could not be read/);
    again.store.close();
  });

  it('lets one writer hold the lock and takes over a stale one', async () => {
    const lock = await acquireIndexLock(dir);
    await expect(acquireIndexLock(dir)).rejects.toMatchObject({ code: 'INDEX_LOCKED' });
    await lock.release();
    // A lock written by a process that no longer exists is stale.
    await fs.writeFile(
      path.join(dir, 'index-1.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), startedAt: 'then' }),
    );
    const taken = await acquireIndexLock(dir);
    await taken.release();
  });
});
