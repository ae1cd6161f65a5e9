import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import { staticTablePath } from '../../src/core/embedding/static-embedder';
import type { Embedder } from '../../src/core/embedding/types';
import { bootstrapGoldenSet } from '../../src/core/eval/bootstrap';
import { evaluate } from '../../src/core/eval/evaluate';
import { writeHeldOutCopy } from '../../src/core/eval/held-out';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import type { IndexProgress } from '../../src/core/indexer/types';
import { withLearnedRanker } from '../../src/core/ranking/ranked-retriever';
import { shippedRanker } from '../../src/core/ranking/shipped-ranker';
import { createRetriever } from '../../src/core/retrieval/retriever';
import type { Retriever } from '../../src/core/retrieval/types';
import { ChunkStore, type DenseSpace } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { printTable } from './table';

/** Questions bootstrapped from the corpus (a documented symbol's doc summary; the doc is held out of the index). */
const QUESTIONS = 200;

/** django/db (117 files, ~3.2k chunks): a full build with the model takes about two minutes on two cores. */
function corpus(): { name: string; dir: string } {
  const django = '/usr/lib/python3/dist-packages/django/db';
  if (existsSync(django)) return { name: 'django/db (python3-django)', dir: django };
  const nodeModules = path.resolve(path.dirname(require.resolve('typescript/package.json')), '..');
  return { name: 'transformers.js src', dir: path.join(nodeModules, '@huggingface/transformers/src') };
}

/** Wraps an embedder to add up the time spent in it and the texts it was given. */
function timed(embedder: Embedder): { embedder: Embedder; ms: () => number; texts: () => number } {
  let ms = 0;
  let texts = 0;
  return {
    embedder: {
      ...embedder,
      modelId: embedder.modelId,
      dimension: embedder.dimension,
      async embed(batch, signal) {
        const start = performance.now();
        try {
          return await embedder.embed(batch, signal);
        } finally {
          ms += performance.now() - start;
          texts += batch.length;
        }
      },
    },
    ms: () => ms,
    texts: () => texts,
  };
}

/**
 * `npm run bench -- static-pass`: the static table (distilled from the embedding model) as the first
 * pass of a build, against the model alone, in one run. One build from scratch of a held-out copy of
 * the corpus (the questions' docstrings taken out) times how fast each covers the index; then the
 * finished index, which holds both kinds of vector, answers the same questions from each.
 */
export async function benchStaticPass(): Promise<void> {
  const source = corpus();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-static-bench-'));
  const models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
  if (!models.staticEmbedder) throw new Error(`No static table at ${staticTablePath(models.embedder.modelId)}.`);
  try {
    const original = path.join(work, 'original');
    await fs.cp(source.dir, original, { recursive: true, dereference: true });
    const golden = await bootstrapGoldenSet({ root: original, limit: QUESTIONS });
    const root = path.join(work, 'repo');
    const heldOut = await writeHeldOutCopy({ root: original, questions: golden.questions, dest: root });
    const dbDir = path.join(work, 'index');

    const model = timed(models.embedder);
    const table = timed(models.staticEmbedder);
    const start = performance.now();
    let staticCoveredMs: number | undefined;
    let modelCoveredMs: number | undefined;
    const onProgress = (progress: IndexProgress) => {
      const now = performance.now() - start;
      // Static vectors are written with the chunks: the index is covered once every file is written.
      if (staticCoveredMs === undefined && isWritten(progress)) staticCoveredMs = now;
      if (
        progress.phase === 'embedding' &&
        progress.vectors.total > 0 &&
        progress.vectors.ready === progress.vectors.total
      )
        modelCoveredMs ??= now;
    };
    const summary = await syncIndex(
      { root, dbDir },
      { ...models, embedder: model.embedder, staticEmbedder: table.embedder },
      { onProgress },
    );
    const buildMs = performance.now() - start;

    const identity = { embeddingModel: models.embedder.modelId, chunkerVersion: CHUNKER_VERSION };
    const store = await ChunkStore.openForRead(dbDir, identity);
    // Hybrid as served: re-ordered by the shipped learned ranker, as openSearch does.
    const served = (retriever: Retriever) => withLearnedRanker(retriever, shippedRanker());
    const retriever = served(
      createRetriever({ store, embedder: models.embedder, staticEmbedder: models.staticEmbedder }),
    );
    const quality = async (space: DenseSpace) =>
      evaluate(retriever, heldOut.questions, { modes: ['dense', 'hybrid'], k: 10, tuning: { denseSpace: space } });
    // What a build served before the static table: no vector yet, so hybrid fuses the other lists alone.
    const noVectors = Object.assign(Object.create(store) as ChunkStore, { searchDense: async () => [] });
    const [bm25, withStatic, withModel, withNone] = [
      await evaluate(retriever, heldOut.questions, { modes: ['bm25'], k: 10 }),
      await quality('static'),
      await quality('model'),
      await evaluate(served(createRetriever({ store: noVectors, embedder: models.embedder })), heldOut.questions, {
        modes: ['hybrid'],
        k: 10,
      }),
    ];
    store.close();

    const tableMb = (await fs.stat(staticTablePath(models.embedder.modelId))).size / 1e6;
    const staticChunksPerS = table.texts() / (table.ms() / 1000);
    const modelChunksPerS = model.texts() / (model.ms() / 1000);
    const recall = (report: typeof bm25, mode: 'bm25' | 'dense' | 'hybrid') => report.modes[mode]!['recall@10'];
    const mrr = (report: typeof bm25, mode: 'bm25' | 'hybrid') => report.modes[mode]!['mrr@10'];
    process.stdout.write(
      `\n${source.name}, held out: ${summary.files.indexed} files, ${summary.chunks.total} chunks, ` +
        `${heldOut.questions.length} questions; build ${(buildMs / 1000).toFixed(1)} s, ` +
        `static table ${tableMb.toFixed(2)} MB (goal ≤ 8)\n\n`,
    );
    printTable([
      {
        vectors: 'static table (first pass)',
        'chunks/s': staticChunksPerS,
        'embed s': table.ms() / 1000,
        'full semantic coverage s': (staticCoveredMs ?? Number.NaN) / 1000,
        'dense recall@10': recall(withStatic, 'dense'),
        'hybrid recall@10': recall(withStatic, 'hybrid'),
        'hybrid MRR@10': mrr(withStatic, 'hybrid'),
        'hybrid p50 ms': withStatic.modes.hybrid!.p50_ms,
      },
      {
        vectors: 'all-MiniLM-L6-v2 (model)',
        'chunks/s': modelChunksPerS,
        'embed s': model.ms() / 1000,
        'full semantic coverage s': (modelCoveredMs ?? Number.NaN) / 1000,
        'dense recall@10': recall(withModel, 'dense'),
        'hybrid recall@10': recall(withModel, 'hybrid'),
        'hybrid MRR@10': mrr(withModel, 'hybrid'),
        'hybrid p50 ms': withModel.modes.hybrid!.p50_ms,
      },
      {
        vectors: 'none yet (a build without the static pass)',
        'chunks/s': '-',
        'embed s': '-',
        'full semantic coverage s': '-',
        'dense recall@10': 0,
        'hybrid recall@10': recall(withNone, 'hybrid'),
        'hybrid MRR@10': mrr(withNone, 'hybrid'),
        'hybrid p50 ms': withNone.modes.hybrid!.p50_ms,
      },
      {
        vectors: 'BM25 alone (--mode bm25)',
        'chunks/s': '-',
        'embed s': '-',
        'full semantic coverage s': '-',
        'dense recall@10': '-',
        'hybrid recall@10': recall(bm25, 'bm25'),
        'hybrid MRR@10': mrr(bm25, 'bm25'),
        'hybrid p50 ms': bm25.modes.bm25!.p50_ms,
      },
    ]);
    process.stdout.write(
      `\nstatic / model: ${(staticChunksPerS / modelChunksPerS).toFixed(0)}× the chunks/s (goal ≥ 100×), ` +
        `coverage ${((modelCoveredMs ?? Number.NaN) / (staticCoveredMs ?? Number.NaN)).toFixed(0)}× sooner; ` +
        `static pass costs ${((100 * table.ms()) / buildMs).toFixed(1)}% of the build. Goal: hybrid with the static ` +
        `table at least as good as hybrid with no vectors (${recall(withNone, 'hybrid').toFixed(2)} recall@10), ` +
        "which is what a build serves until the model's vectors arrive.\n",
    );
  } finally {
    await models.embedder.dispose();
    await fs.rm(work, { recursive: true, force: true });
  }
}

function isWritten(progress: IndexProgress): boolean {
  return progress.keywordReady && progress.filesTotal > 0 && progress.filesDone === progress.filesTotal;
}
