import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/core/embedding/types';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import { fileRank } from '../../src/core/indexer/priority';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import type { IndexProgress } from '../../src/core/indexer/types';
import { vectorPolicy } from '../../src/core/indexer/vector-policy';
import { createRetriever } from '../../src/core/retrieval/retriever';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';

/** An embedder that records which texts it was asked for, and can be held at its first call. */
function recording(inner: Embedder): {
  embedder: Embedder;
  texts: string[];
  release: () => void;
  firstCall: Promise<void>;
} {
  const texts: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let called!: () => void;
  const firstCall = new Promise<void>((resolve) => (called = resolve));
  return {
    texts,
    release,
    firstCall,
    embedder: {
      modelId: inner.modelId,
      dimension: inner.dimension,
      async embed(batch, signal) {
        called();
        await gate;
        texts.push(...batch);
        return inner.embed(batch, signal);
      },
      dispose: () => inner.dispose(),
    },
  };
}

function files(): Record<string, string> {
  const tree: Record<string, string> = {
    'src/billing/invoice.py':
      'def compute_invoice_total(lines):\n    """Add up the invoice lines with tax."""\n' +
      '    return sum(line.amount * 1.2 for line in lines)\n',
    'tests/test_invoice.py': 'def test_compute_invoice_total():\n    assert compute_invoice_total([]) == 0\n',
    'docs/invoices.md': '# Invoices\n\nHow invoice totals are computed, tax included.\n',
    'lib/vendored/leftpad.js': 'function leftPad(text, width) { return text.padStart(width); }\n',
    'data/rates.csv': 'country,rate\nfr,0.2\nde,0.19\n',
  };
  for (let i = 0; i < 70; i++)
    tree[`src/extra/module${i}.py`] =
      `def helper_${i}(value):\n    """Return value plus ${i}."""\n    return value + ${i}\n`;
  return tree;
}

describe('progressive indexing with real models', () => {
  let models: IndexerModels;
  let dir: string;
  let cleanup: () => Promise<void>;
  const identity = () => ({
    embeddingModel: models.embedder.modelId,
    dimension: models.embedder.dimension,
    chunkerVersion: CHUNKER_VERSION,
  });

  beforeAll(async () => {
    models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(async () => {
    await models?.embedder.dispose();
    await cleanup?.();
  });

  it('answers keyword questions before any chunk is embedded, then dense ones as vectors arrive', async () => {
    const root = path.join(dir, 'repo');
    const dbDir = path.join(dir, 'index');
    await writeTree(root, files());
    const probe = recording(models.embedder);
    const progress: IndexProgress[] = [];
    const run = syncIndex(
      { root, dbDir },
      { ...models, embedder: probe.embedder },
      { onProgress: (p) => progress.push({ ...p }) },
    );

    // The model has not embedded anything yet, and every file can already be found by keyword.
    await probe.firstCall;
    expect(progress.some((p) => p.keywordReady && p.vectors.ready === 0)).toBe(true);
    const early = await ChunkStore.openForRead(dbDir, identity());
    try {
      const hits = await early.searchKeywords('compute invoice total', 5);
      expect(hits.map((hit) => hit.chunk.path)).toContain('src/billing/invoice.py');
      expect((await early.searchKeywords('helper_69', 3))[0].chunk.path).toBe('src/extra/module69.py');
      const [vector] = await models.embedder.embed(['invoice total with tax']);
      expect(await early.searchDense(vector, 5)).toEqual([]);
      expect(await early.vectorCoverage()).toMatchObject({ ready: 0 });
    } finally {
      early.close();
      probe.release();
    }
    const summary = await run;

    // Source first, then tests, then docs; vendored code and data tables get no vector at all.
    const order = probe.texts.map((text) =>
      text.includes('assert') ? 'test' : text.includes('How invoice totals') ? 'doc' : 'source',
    );
    expect(order.indexOf('test')).toBeGreaterThan(order.lastIndexOf('source'));
    expect(order.indexOf('doc')).toBeGreaterThan(order.indexOf('test'));
    expect(probe.texts.some((text) => text.includes('leftPad') || text.includes('country,rate'))).toBe(false);

    const last = progress.at(-1)!;
    expect(last.phase).toBe('done');
    expect(last.vectors.ready).toBe(last.vectors.total);
    const done = await ChunkStore.openForRead(dbDir, identity());
    try {
      const coverage = await done.vectorCoverage();
      expect(coverage).toMatchObject({ pending: 0, none: 2 });
      expect(coverage.ready).toBe(summary.chunks.total - 2);
      const [vector] = await models.embedder.embed(['add up invoice lines including tax']);
      const dense = await done.searchDense(vector, 80);
      expect(dense[0].chunk.path).toBe('src/billing/invoice.py');
      expect(
        dense.some((hit) => hit.chunk.path.startsWith('lib/vendored/') || hit.chunk.path.startsWith('data/')),
      ).toBe(false);
      expect((await done.searchKeywords('leftPad', 3))[0].chunk.path).toBe('lib/vendored/leftpad.js');
    } finally {
      done.close();
    }
  });

  it('tells the caller once every vector is written, before the index is marked complete', async () => {
    const root = path.join(dir, 'small');
    const dbDir = path.join(dir, 'embedded');
    await writeTree(root, { 'src/a.py': 'def alpha():\n    return 1\n', 'data/rates.csv': 'country,rate\nfr,0.2\n' });
    let seen: { pending: number; ready: number; state: string } | undefined;
    await syncIndex({ root, dbDir }, models, {
      onEmbedded: async () => {
        const store = await ChunkStore.openForRead(dbDir, identity());
        try {
          seen = { ...(await store.vectorCoverage()), state: store.health.state };
        } finally {
          store.close();
        }
      },
    });
    expect(seen).toMatchObject({ pending: 0, ready: 1 });
    expect(seen?.state).not.toBe('complete');
  });

  it('answers by meaning from the static table before the model embeds anything, then switches to it', async () => {
    const root = path.join(dir, 'repo');
    const dbDir = path.join(dir, 'static-first');
    const probe = recording(models.embedder);
    const run = syncIndex({ root, dbDir }, { ...models, embedder: probe.embedder });
    await probe.firstCall;
    const question = 'add up invoice lines including tax';
    const early = await ChunkStore.openForRead(dbDir, identity());
    try {
      expect(early.identity.staticModel).toEqual({
        id: models.staticEmbedder!.modelId,
        dimension: models.staticEmbedder!.dimension,
      });
      expect(await early.vectorCoverage()).toMatchObject({ ready: 0 });
      expect(early.denseSpace()).toBe('static');
      const retriever = createRetriever({
        store: early,
        embedder: models.embedder,
        staticEmbedder: models.staticEmbedder,
      });
      const { chunks, trace } = await retriever.retrieve(question, { mode: 'dense', k: 80 });
      expect(trace.denseSpace).toBe('static');
      expect(chunks[0].chunk.path).toBe('src/billing/invoice.py');
      expect(chunks.some((hit) => /^(lib\/vendored|data)\//.test(hit.chunk.path))).toBe(false);
      // Without the table that made the index's static vectors, a query is never compared with them.
      const modelOnly = createRetriever({ store: early, embedder: models.embedder });
      const without = await modelOnly.retrieve(question, { mode: 'dense', k: 5 });
      expect(without.trace.denseSpace).toBe('model');
      expect(without.chunks).toEqual([]);
    } finally {
      early.close();
      probe.release();
    }
    await run;

    const done = await ChunkStore.openForRead(dbDir, identity());
    try {
      expect(done.denseSpace()).toBe('model');
      const retriever = createRetriever({
        store: done,
        embedder: models.embedder,
        staticEmbedder: models.staticEmbedder,
      });
      const { chunks, trace } = await retriever.retrieve(question, { mode: 'dense', k: 5 });
      expect(trace.denseSpace).toBe('model');
      expect(chunks[0].chunk.path).toBe('src/billing/invoice.py');
    } finally {
      done.close();
    }
  });

  it('finishes the vectors of a run cancelled while embedding, without chunking again', async () => {
    const root = path.join(dir, 'repo');
    const dbDir = path.join(dir, 'cancelled');
    const controller = new AbortController();
    const cut = syncIndex({ root, dbDir }, models, {
      signal: controller.signal,
      onProgress: (p) => p.phase === 'embedding' && controller.abort(),
    });
    await expect(cut).rejects.toMatchObject({ code: 'CANCELLED' });
    const resumed = await syncIndex({ root, dbDir }, models);
    expect(resumed.files.indexed).toBe(0);
    expect(resumed.chunks.embedded).toBeGreaterThan(0);
    const store = await ChunkStore.openForRead(dbDir, identity());
    expect(await store.vectorCoverage()).toMatchObject({ pending: 0 });
    store.close();
  });
});

describe('build order and vector policy', () => {
  it('ranks source before configuration, tests and docs', () => {
    expect(fileRank('django/db/models/query.py')).toBe(0);
    expect(fileRank('src/index.ts')).toBe(0);
    expect(fileRank('package.json')).toBe(1);
    expect(fileRank('tests/test_query.py')).toBe(2);
    expect(fileRank('src/query.test.ts')).toBe(2);
    expect(fileRank('pkg/query_test.go')).toBe(2);
    expect(fileRank('docs/guide.md')).toBe(3);
    expect(fileRank('README.md')).toBe(3);
  });

  it('embeds code and docs, not vendored, generated, data or translated copies', () => {
    expect(vectorPolicy('src/app.py', 'def f(): pass')).toBe('embed');
    expect(vectorPolicy('docs/guide.md', '# Guide')).toBe('embed');
    expect(vectorPolicy('lib/third_party/six.py', 'x = 1')).toBe('vendored');
    expect(vectorPolicy('api/service_pb2.py', 'x = 1')).toBe('generated');
    expect(vectorPolicy('src/schema.ts', '// Code generated by protoc. DO NOT EDIT.\nexport {}')).toBe('generated');
    expect(vectorPolicy('fixtures/rates.csv', 'a,b')).toBe('data');
    expect(vectorPolicy('src/big.json', `{"a": "${'x'.repeat(30_000)}"}`)).toBe('data');
    expect(vectorPolicy('tsconfig.json', '{}')).toBe('embed');
    expect(vectorPolicy('docs/zh-CN/guide.md', '# 指南')).toBe('translation');
    expect(vectorPolicy('README.ja.md', '# 説明')).toBe('translation');
    expect(vectorPolicy('conf/locale/fr/formats.py', 'DATE_FORMAT = "j F Y"')).toBe('translation');
  });
});
