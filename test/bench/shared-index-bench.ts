import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Embedder } from '../../src/core/embedding/types';
import { percentile } from '../../src/core/eval/metrics';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import {
  disposeQueryModels,
  loadQueryModels,
  openSearch,
  type QueryModels,
} from '../../src/core/retrieval/search-session';
import { testModels } from '../support/models';
import { startMinio } from '../support/real-minio';
import { type CountingProxy, startCountingProxy } from './counting-proxy';
import { benchCorpus } from './index-bench';
import { printTable } from './table';

/** What developers ask of Django; the same questions against every copy of the index. */
const QUESTIONS = [
  'where is the CSRF token checked on a POST request',
  'how are passwords hashed before they are stored',
  'resolve a URL path to its view function',
  'apply database migrations in dependency order',
  'render a template with a context',
  'when does a session expire',
  'validate a form field and collect its errors',
  'compress responses with gzip in a middleware',
  'send an email with an attachment',
  'paginate a queryset into pages',
  'cache a view response for a number of seconds',
  'escape HTML in template output',
];

const MODE = 'hybrid';
const K = 20;

/**
 * A team's index in object storage (a real MinIO on loopback) against a local folder: query latency
 * cold (a fresh connection, as in a new editor window) and warm (the same open index), bytes each
 * query reads from the server (counted by a proxy in front of it), and how soon a developer can
 * search a fresh checkout: a full local build against an overlay on the shared index (nothing
 * changed locally, so nothing to embed) plus the first query. Models are loaded before any clock
 * starts: a user loads the same ones either way.
 */
export async function benchSharedIndex(corpus = benchCorpus()): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-shared-bench-'));
  const minio = await startMinio();
  const proxy = await startCountingProxy(minio.endpoint);
  const savedEnv = { ...process.env };
  const { modelsDir } = testModels();
  const indexer = await loadIndexerModels({ modelsDir });
  const query = await loadQueryModels({ modelsDir, reranker: 'none' });
  try {
    await minio.createBucket('team');
    // LanceDB reaches the server through the proxy with the standard AWS variables only.
    Object.assign(process.env, minio.env, { AWS_ENDPOINT_URL: proxy.endpoint });
    const root = path.join(work, 'ci-checkout');
    await fs.cp(corpus.dir, root, { recursive: true, dereference: true });
    // As in the indexing bench: Django's ~100 translations are left out the way a user would.
    await fs.writeFile(path.join(root, '.reposageignore'), 'locale/\n');

    // A developer without a shared index: the full build, then the first question.
    const localDir = path.join(work, 'local-index');
    const recorded = recording(indexer.embedder);
    const localStart = performance.now();
    const local = await syncIndex({ root, dbDir: localDir }, { ...indexer, embedder: recorded.embedder });
    const localBuildMs = performance.now() - localStart;
    const localFirst = await coldQuery(localDir, query, QUESTIONS[0]);

    // CI writes the same index to the bucket. Its embeddings are replayed from the build above: the CI
    // job's own time is not what this bench measures, and embedding twice would double the run.
    const shared = 's3://team/main';
    const ciStart = performance.now();
    await syncIndex({ root, dbDir: shared }, { ...indexer, embedder: recorded.replay });
    const ciWriteMs = performance.now() - ciStart;

    // A developer with the shared index: a fresh checkout of the same commit, its overlay, the first question.
    const checkout = path.join(work, 'developer');
    await fs.cp(root, checkout, { recursive: true });
    const overlayDir = path.join(work, 'overlay');
    proxy.reset();
    const overlayStart = performance.now();
    const overlay = await syncIndex({ root: checkout, dbDir: overlayDir, sharedIndex: shared }, indexer);
    const overlayMs = performance.now() - overlayStart;
    const overlayRead = proxy.counts();
    const sharedFirst = await coldQuery(overlayDir, query, QUESTIONS[0], shared, proxy);

    const localReadyMs = localBuildMs + localFirst.ms;
    const sharedReadyMs = overlayMs + sharedFirst.ms;
    printTable([
      {
        'ready to search': 'full local build',
        files: local.files.indexed,
        chunks: local.chunks.total,
        'index s': localBuildMs / 1000,
        'first query ms': localFirst.ms,
        'ready s': localReadyMs / 1000,
        'read from store MB': 0,
      },
      {
        'ready to search': 'shared index + local overlay',
        files: overlay.files.indexed,
        chunks: overlay.chunks.total,
        'index s': overlayMs / 1000,
        'first query ms': sharedFirst.ms,
        'ready s': sharedReadyMs / 1000,
        'read from store MB': (overlayRead.bytes + sharedFirst.bytes) / 2 ** 20,
      },
    ]);
    process.stdout.write(
      `shared index ready ${(localReadyMs / sharedReadyMs).toFixed(0)}x faster than a local build` +
        ` (CI's write of the index to the bucket, embeddings replayed: ${(ciWriteMs / 1000).toFixed(1)} s)\n` +
        'goal: shared index ready < 10 s and >= 20x faster than a local build\n\n',
    );

    const rows = [
      await latency('local folder', localDir, query, proxy),
      await latency('MinIO (s3://)', shared, query, proxy),
      await latency('MinIO + local overlay', overlayDir, query, proxy, shared),
    ];
    printTable(rows);
    process.stdout.write(
      `${QUESTIONS.length} questions, ${MODE}, top ${K}, no re-ranker. cold: a fresh connection per question` +
        ' (open the index, embed, search); warm: the same open index, second pass. Bytes: response bodies from' +
        ' the server, counted by a proxy in front of it.\n' +
        'goal: none set; the figures size the cost of a remote index\n',
    );
  } finally {
    process.env = savedEnv;
    await indexer.embedder.dispose();
    await disposeQueryModels(query);
    await proxy.close();
    await minio.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Cold and warm latency and bytes read per question, against one index (an overlay when shared is given). */
async function latency(
  name: string,
  dbDir: string,
  query: QueryModels,
  proxy: CountingProxy,
  shared?: string,
): Promise<Record<string, string | number>> {
  const cold: Array<{ ms: number; bytes: number; requests: number }> = [];
  for (const question of QUESTIONS) cold.push(await coldQuery(dbDir, query, question, shared, proxy));
  const search = await openSearch(dbDir, query, shared);
  const warm: Array<{ ms: number; bytes: number; requests: number }> = [];
  try {
    for (const question of QUESTIONS) await search.retriever.retrieve(question, { mode: MODE, k: K });
    for (const question of QUESTIONS) {
      proxy.reset();
      const start = performance.now();
      await search.retriever.retrieve(question, { mode: MODE, k: K });
      warm.push({ ms: performance.now() - start, ...proxy.counts() });
    }
  } finally {
    search.close();
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    index: name,
    'cold p50 ms': percentile(
      cold.map((run) => run.ms),
      50,
    ),
    'cold p95 ms': percentile(
      cold.map((run) => run.ms),
      95,
    ),
    'warm p50 ms': percentile(
      warm.map((run) => run.ms),
      50,
    ),
    'warm p95 ms': percentile(
      warm.map((run) => run.ms),
      95,
    ),
    'cold KB/query': mean(cold.map((run) => run.bytes)) / 1024,
    'cold requests/query': mean(cold.map((run) => run.requests)),
    'warm KB/query': mean(warm.map((run) => run.bytes)) / 1024,
    'warm requests/query': mean(warm.map((run) => run.requests)),
  };
}

/** Opens the index on a fresh connection and asks one question: what a new window's first search costs. */
async function coldQuery(
  dbDir: string,
  query: QueryModels,
  question: string,
  shared?: string,
  proxy?: CountingProxy,
): Promise<{ ms: number; bytes: number; requests: number }> {
  proxy?.reset();
  const start = performance.now();
  const search = await openSearch(dbDir, query, shared);
  try {
    await search.retriever.retrieve(question, { mode: MODE, k: K });
  } finally {
    search.close();
  }
  const ms = performance.now() - start;
  return { ms, ...(proxy?.counts() ?? { bytes: 0, requests: 0 }) };
}

/**
 * The embedder of the local build, recording each text's vector, and a replay of those vectors for
 * the same texts (the model embeds only what it did not see).
 */
function recording(embedder: Embedder): { embedder: Embedder; replay: Embedder } {
  const seen = new Map<string, Float32Array>();
  const wrap = (embed: Embedder['embed']): Embedder => ({
    modelId: embedder.modelId,
    dimension: embedder.dimension,
    embed,
    dispose: () => embedder.dispose(),
  });
  return {
    embedder: wrap(async (texts, signal) => {
      const vectors = await embedder.embed(texts, signal);
      for (const [i, text] of texts.entries()) seen.set(text, vectors[i]);
      return vectors;
    }),
    replay: wrap(async (texts, signal) => {
      const missing = texts.filter((text) => !seen.has(text));
      if (missing.length > 0) {
        const vectors = await embedder.embed(missing, signal);
        for (const [i, text] of missing.entries()) seen.set(text, vectors[i]);
      }
      return texts.map((text) => seen.get(text)!);
    }),
  };
}
