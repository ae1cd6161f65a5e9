import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import { RepoSageError } from '../../src/core/errors';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { createReranker } from '../../src/core/embedding/reranker';
import type { Reranker } from '../../src/core/embedding/types';
import { DEFAULT_RRF_K } from '../../src/core/retrieval/fusion';
import { DEFAULT_LIST_WEIGHTS, createRetriever } from '../../src/core/retrieval/retriever';
import type { RetrievedChunk } from '../../src/core/retrieval/types';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';

/** A small repository: each file does one recognisable thing, in two languages. */
const FIXTURE: Record<string, string> = {
  'src/config.ts': [
    "import { readFileSync } from 'node:fs';",
    '',
    'export interface Settings { port: number; host: string }',
    '',
    '/** Reads settings from disk, filling in defaults for anything missing. */',
    'export function parseConfigFile(filePath: string): Settings {',
    "  const raw = JSON.parse(readFileSync(filePath, 'utf8'));",
    "  return { port: raw.port ?? 8080, host: raw.host ?? 'localhost' };",
    '}',
  ].join('\n'),
  'src/retry.ts': [
    '/** Calls an async operation again after a failure, waiting twice as long each time. */',
    'export async function withBackoff<T>(operation: () => Promise<T>, attempts = 5): Promise<T> {',
    '  let delay = 100;',
    '  for (let attempt = 1; ; attempt++) {',
    '    try {',
    '      return await operation();',
    '    } catch (error) {',
    '      if (attempt >= attempts) throw error;',
    '      await new Promise((resolve) => setTimeout(resolve, delay));',
    '      delay *= 2;',
    '    }',
    '  }',
    '}',
  ].join('\n'),
  'src/checksum.ts': [
    "import { createHash } from 'node:crypto';",
    '',
    '/** A hex digest of the bytes, to tell whether a download arrived intact. */',
    'export function sha256Hex(data: Buffer): string {',
    "  return createHash('sha256').update(data).digest('hex');",
    '}',
  ].join('\n'),
  'src/window.ts': [
    '/** Shows a new top-level window with a title bar. */',
    'export function openWindow(title: string, width = 800, height = 600) {',
    '  return { title, width, height, visible: true };',
    '}',
  ].join('\n'),
  'app/server.py': [
    'from http.server import HTTPServer, SimpleHTTPRequestHandler',
    '',
    '',
    'def start_server(port=8000):',
    '    """Serve the current folder over HTTP until interrupted."""',
    "    server = HTTPServer(('', port), SimpleHTTPRequestHandler)",
    '    server.serve_forever()',
  ].join('\n'),
  'app/slug.py': [
    'import re',
    '',
    '',
    'def slugify(title):',
    '    """Turn a title into a lowercase, hyphen-separated URL fragment."""',
    "    return re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')",
  ].join('\n'),
  'app/cache.py': [
    'import time',
    '',
    '',
    'class ExpiringCache:',
    '    """Keeps values for a limited number of seconds, then forgets them."""',
    '',
    '    def __init__(self, ttl):',
    '        self.ttl = ttl',
    '        self.items = {}',
    '',
    '    def get(self, key):',
    '        value, stored = self.items.get(key, (None, 0))',
    '        return value if time.time() - stored < self.ttl else None',
  ].join('\n'),
  // Files that share a bug report's words without being where the bug is.
  'tests/test_slug.py': [
    'from app.slug import slugify',
    '',
    '',
    'def test_slugify_turns_a_title_into_a_url_fragment():',
    '    """A title becomes a lowercase, hyphen-separated URL fragment."""',
    "    assert slugify('Hello World') == 'hello-world'",
    '',
    '',
    'def test_slugify_title_with_accents():',
    "    assert slugify('Café au lait') == 'cafe-au-lait'",
  ].join('\n'),
  '.github/ISSUE_TEMPLATE/bug_report.md': [
    '## Describe the bug',
    'A clear description of what the bug is, for example a wrong URL fragment for a title.',
    '## To reproduce',
    'The title you used and the slug you got.',
  ].join('\n'),
};

/**
 * A real scorer with a known, simple preference: passages mentioning more of the query's words
 * score higher, shorter passages winning ties. Used where a test needs the re-ranker to disagree
 * with fusion in a predictable way; the cross-encoder itself is tested below when provisioned.
 */
function wordOverlapReranker(): Reranker & { calls: number } {
  return {
    modelId: 'test/word-overlap',
    calls: 0,
    async score(query, passages) {
      this.calls++;
      const words = query
        .toLowerCase()
        .split(/\W+/)
        .filter((w) => w.length > 2);
      return passages.map((p) => words.filter((w) => p.toLowerCase().includes(w)).length - p.length / 1e6);
    },
    async dispose() {},
  };
}

const models = testModels();

describe('retriever on a real index', () => {
  let indexerModels: IndexerModels;
  let store: ChunkStore;
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const root = path.join(dir, 'repo');
    await writeTree(root, FIXTURE);
    indexerModels = await loadIndexerModels({ modelsDir: models.modelsDir });
    await syncIndex({ root, dbDir: path.join(dir, 'index') }, indexerModels);
    store = await ChunkStore.openForRead(path.join(dir, 'index'), {
      embeddingModel: models.embeddingModel,
      chunkerVersion: CHUNKER_VERSION,
    });
  });
  afterAll(async () => {
    store?.close();
    await indexerModels?.embedder.dispose();
    await cleanup?.();
  });

  it('finds an identifier whether it is written as one word or as words', async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    for (const query of ['parseConfigFile', 'parse config file', 'parse_config_file']) {
      const { chunks } = await retriever.retrieve(query, { mode: 'bm25', k: 3 });
      expect(chunks[0]?.chunk.path, query).toBe('src/config.ts');
    }
  });

  it('finds code by meaning with vector search', async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    const { chunks, trace } = await retriever.retrieve('try the request again with exponential wait', {
      mode: 'dense',
      k: 3,
    });
    expect(chunks[0].chunk.path).toBe('src/retry.ts');
    expect(chunks[0].scores.dense).toBeGreaterThan(chunks[1].scores.dense!);
    expect(trace.stages.map((s) => s.stage).sort()).toEqual(['dense', 'embed']);
  });

  it('fuses both lists by rank and records every rank and score in the trace', async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    const { chunks, trace } = await retriever.retrieve('parse settings file with default port', {
      mode: 'hybrid',
      k: 3,
      features: { fileKinds: false, diversity: false },
    });
    expect(chunks[0].chunk.path).toBe('src/config.ts');
    expect(trace.stages.map((s) => s.stage).sort()).toEqual(['bm25', 'dense', 'embed', 'fusion', 'signals']);
    expect(trace.candidates.length).toBeGreaterThanOrEqual(chunks.length);
    trace.candidates.forEach((candidate, i) => {
      expect(candidate.ranks.fused).toBe(i + 1);
      expect(candidate.ranks.bm25 ?? candidate.ranks.dense).toBeDefined();
      const lists = ['bm25', 'dense', 'definitions', 'paths'] as const;
      const expected = lists.reduce((sum: number, list) => {
        const rank = candidate.ranks[list];
        return sum + (rank ? DEFAULT_LIST_WEIGHTS[list]! / (DEFAULT_RRF_K + rank) : 0);
      }, 0);
      expect(candidate.scores.fused).toBeCloseTo(expected, 12);
      if (i > 0) expect(candidate.scores.fused).toBeLessThanOrEqual(trace.candidates[i - 1].scores.fused!);
    });
    expect(trace.candidates.some((c) => c.ranks.bm25 !== undefined && c.ranks.dense !== undefined)).toBe(true);
  });

  it("puts the source file before the test and issue template that share a bug report's words", async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    const question = 'slugify gives the wrong URL fragment for a title with accents';
    const plain = await retriever.retrieve(question, {
      mode: 'hybrid',
      k: 3,
      features: { fileKinds: false, definitions: false },
    });
    const { chunks } = await retriever.retrieve(question, { mode: 'hybrid', k: 3 });
    expect(plain.chunks[0].chunk.path).not.toBe('app/slug.py');
    expect(chunks[0].chunk.path).toBe('app/slug.py');
    const about = await retriever.retrieve('the unit test for titles with accents', { mode: 'hybrid', k: 3 });
    expect(about.chunks[0].chunk.path).toBe('tests/test_slug.py');
  });

  it('ranks the definition of a name the question mentions first', async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    const { chunks } = await retriever.retrieve(
      'why does ExpiringCache.get return None for a key stored a moment ago?',
      { mode: 'hybrid', k: 3 },
    );
    expect(chunks[0].chunk.path).toBe('app/cache.py');
    expect(chunks[0].ranks.definitions).toBe(1);
    const plainWord = await retriever.retrieve('slugify is slow on long input', { mode: 'hybrid', k: 3 });
    expect(plainWord.chunks[0].chunk.path).toBe('app/slug.py');
    expect(plainWord.chunks[0].ranks.definitions).toBe(1);
  });

  it('ranks the lines a stack trace names first', async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    const trace =
      'Crash on start\n\nTraceback (most recent call last):\n' +
      '  File "/srv/site/app/server.py", line 6, in start_server\n' +
      'OSError: [Errno 98] Address already in use';
    const { chunks } = await retriever.retrieve(trace, { mode: 'hybrid', k: 3 });
    expect(chunks[0].chunk.path).toBe('app/server.py');
    expect(chunks[0].ranks.paths).toBe(1);
    const without = await retriever.retrieve(trace, {
      mode: 'hybrid',
      k: 3,
      features: { paths: false, definitions: false },
    });
    expect(without.chunks[0].ranks.paths).toBeUndefined();
  });

  it('re-orders the best fused candidates by the re-ranker and keeps its scores in the trace', async () => {
    const reranker = wordOverlapReranker();
    const retriever = createRetriever({ store, embedder: indexerModels.embedder, reranker });
    const query = 'title window url fragment slug lowercase hyphen';
    const fused = await retriever.retrieve(query, { mode: 'hybrid', k: 4 });
    const reranked = await retriever.retrieve(query, { mode: 'rerank', k: 4, rerankCandidates: 4 });
    expect(reranker.calls).toBe(1);

    const scored = reranked.trace.candidates.filter((c) => c.scores.rerank !== undefined);
    expect(scored.map((c) => c.chunk.id).sort()).toEqual(fused.chunks.map((c) => c.chunk.id).sort());
    const byReranker = [...scored].sort((a, b) => b.scores.rerank! - a.scores.rerank!);
    expect(reranked.chunks.map((c) => c.chunk.id)).toEqual(byReranker.map((c) => c.chunk.id));
    expect(reranked.chunks.map((c: RetrievedChunk) => c.ranks.rerank)).toEqual([1, 2, 3, 4]);
    expect(reranked.chunks.map((c) => c.chunk.id)).not.toEqual(fused.chunks.map((c) => c.chunk.id));
    expect(reranked.chunks[0].chunk.path).toBe('app/slug.py');
    expect(reranked.trace.stages.map((s) => s.stage)).toContain('rerank');
  });

  it('refuses rerank mode without a re-ranker, and a query embedded by another model', async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    await expect(retriever.retrieve('anything', { mode: 'rerank' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });

    const otherDir = path.join(dir, 'other-index');
    const { store: other } = await ChunkStore.openForWrite(otherDir, {
      embeddingModel: 'Xenova/bge-small-en-v1.5',
      dimension: 384,
      chunkerVersion: CHUNKER_VERSION,
    });
    try {
      let error: unknown;
      try {
        createRetriever({ store: other, embedder: indexerModels.embedder });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(RepoSageError);
      expect((error as RepoSageError).code).toBe('INDEX_MISMATCH');
      expect((error as RepoSageError).message).toContain('Xenova/bge-small-en-v1.5');
    } finally {
      other.close();
    }
  });

  it('stops when cancelled', async () => {
    const retriever = createRetriever({ store, embedder: indexerModels.embedder });
    const controller = new AbortController();
    controller.abort();
    await expect(retriever.retrieve('open a window', { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  describe.skipIf(!models.rerankModel)('with the real cross-encoder', () => {
    let reranker: Reranker;
    // biome-ignore lint/suspicious/noDuplicateTestHooks: they belong to describe.skipIf's block, not seen as a scope.
    beforeAll(async () => {
      reranker = await createReranker({ modelId: models.rerankModel!, modelsDir: models.modelsDir });
    });
    // biome-ignore lint/suspicious/noDuplicateTestHooks: as above.
    afterAll(() => reranker?.dispose());

    it('orders candidates by its scores and puts the answer first', async () => {
      const retriever = createRetriever({ store, embedder: indexerModels.embedder, reranker });
      const { chunks, trace } = await retriever.retrieve('how do I make a URL-friendly version of a title?', {
        mode: 'rerank',
        k: 3,
      });
      expect(chunks[0].chunk.path).toBe('app/slug.py');
      const scores = chunks.map((c) => c.scores.rerank!);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(trace.candidates.filter((c) => c.scores.rerank !== undefined).length).toBeGreaterThanOrEqual(3);
    });
  });
});
