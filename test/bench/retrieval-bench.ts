import * as lancedb from '@lancedb/lancedb';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import { bootstrapGoldenSet } from '../../src/core/eval/bootstrap';
import { type ModeReport, type QualityMetrics, evaluate } from '../../src/core/eval/evaluate';
import type { GoldenQuestion } from '../../src/core/eval/golden-set';
import { writeHeldOutCopy } from '../../src/core/eval/held-out';
import { type IndexerModels, loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { createReranker } from '../../src/core/embedding/reranker';
import type { Embedder, Reranker } from '../../src/core/embedding/types';
import { createRetriever } from '../../src/core/retrieval/retriever';
import type { RetrievalMode, Retriever } from '../../src/core/retrieval/types';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { percentile } from '../../src/core/eval/metrics';
import { printTable } from './table';
import { benchVectorIndexOnVectors } from './vector-index-bench';

/** A real code base nobody here wrote, copied under `folder` of the bench repository. */
export interface Corpus {
  name: string;
  folder: string;
  source: string;
  /** Only these files are copied (all when absent). */
  only?: RegExp;
  /** Files and folders not copied. */
  skip?: RegExp;
}

/** Found through module resolution, so the bundled benchmark (dist/bench.js) finds it too. */
const nodeModules = path.resolve(path.dirname(require.resolve('typescript/package.json')), '..');

export const CORPORA: Corpus[] = [
  { name: 'django 3.2 (python3-django)', folder: 'django', source: '/usr/lib/python3/dist-packages/django' },
  {
    name: 'typescript/lib *.d.ts',
    folder: 'typescript-lib',
    source: path.join(nodeModules, 'typescript/lib'),
    only: /\.d\.ts$/,
  },
  {
    name: 'transformers.js src',
    folder: 'transformers-js',
    source: path.join(nodeModules, '@huggingface/transformers/src'),
  },
];

/** Questions per corpus: enough that one question moves recall by half a point at most. */
const QUESTIONS_PER_CORPUS = 200;
const K = 20;

/**
 * Retrieval quality of the four modes on bootstrapped golden sets of real repositories, twice: on
 * the repositories as they are (each question is a docstring that sits in its own chunk, so this
 * measures matching the code's own words) and on held-out copies without those docstrings (the
 * question's words are not in the index: what users ask). Then query latency per stage on the
 * combined index. Indexes are kept in the temp folder between runs (syncs are incremental), since
 * building one takes minutes on two cores.
 */
export async function benchRetrieval(): Promise<void> {
  const work = path.join(os.tmpdir(), 'reposage-retrieval-bench');
  const root = path.join(work, 'repo');
  const corpora = CORPORA.filter((corpus) => existsSync(corpus.source));
  for (const corpus of corpora) await copyCorpus(corpus, path.join(root, corpus.folder));

  const models = testModels();
  const indexer = await loadIndexerModels({ modelsDir: models.modelsDir });
  const dbDir = path.join(work, 'index');
  const summary = await syncIndex({ root, dbDir }, indexer);
  const bootstrapped = await Promise.all(
    corpora.map((corpus) => bootstrapGoldenSet({ root: path.join(root, corpus.folder), limit: QUESTIONS_PER_CORPUS })),
  );
  const heldOut = await heldOutIndex(
    work,
    corpora,
    bootstrapped.map((result) => result.questions),
    indexer,
    dbDir,
  );
  const identity = { embeddingModel: models.embeddingModel, chunkerVersion: CHUNKER_VERSION };
  const store = await ChunkStore.openForRead(dbDir, identity);
  const heldOutStore = await ChunkStore.openForRead(heldOut.dbDir, identity);
  const reranker: Reranker | undefined = models.rerankModel
    ? await createReranker({ modelId: models.rerankModel, modelsDir: models.modelsDir })
    : undefined;
  try {
    const stats = await store.stats();
    printTable([
      {
        index: 'combined',
        files: stats.files,
        chunks: stats.chunks,
        'sync s': summary.seconds,
        'embedded now': summary.chunks.embedded,
      },
      {
        index: 'held-out copy',
        files: heldOut.summary.files.indexed + heldOut.summary.files.unchanged,
        chunks: heldOut.summary.chunks.total,
        'sync s': heldOut.summary.seconds,
        'embedded now': heldOut.summary.chunks.embedded,
      },
    ]);
    process.stdout.write(
      reranker ? `\nre-ranker: ${reranker.modelId}\n` : '\nno cross-encoder provisioned: rerank mode not measured\n',
    );

    const modes: RetrievalMode[] = reranker ? ['bm25', 'dense', 'hybrid', 'rerank'] : ['bm25', 'dense', 'hybrid'];
    const retriever = createRetriever({ store, embedder: indexer.embedder, reranker });
    const heldOutRetriever = createRetriever({ store: heldOutStore, embedder: indexer.embedder, reranker });
    const inIndexSets = corpora.map((corpus, i) => prefixed(corpus, bootstrapped[i].questions));
    const heldOutSets = corpora.map((corpus, i) => prefixed(corpus, heldOut.questions[i]));

    await qualityTables(
      `docstrings in the index (${QUESTIONS_PER_CORPUS} bootstrapped questions per corpus)`,
      retriever,
      corpora,
      inIndexSets,
      modes,
    );
    await qualityTables(
      'docstrings held out of the index (the same questions, minus those whose doc shares a line with code)',
      heldOutRetriever,
      corpora,
      heldOutSets,
      modes,
    );

    const all = inIndexSets.flat();
    const latency = await evaluate(retriever, all, { modes, k: K });
    process.stdout.write(`\nlatency per query over ${all.length} questions, ${stats.chunks} chunks (ms)\n\n`);
    printTable(modes.map((mode) => latencyRow(mode, latency.modes[mode]!)));
    process.stdout.write('goal: rerank of 20 p95 <= 100 ms; without re-rank p95 <= 20 ms\n');

    if (!reranker) await rerankLatencyStandIn(retriever, indexer.embedder, all.slice(0, 100));
    await sweep(heldOutRetriever, heldOutSets.flat(), reranker !== undefined);
    await vectorIndexOnRealVectors(dbDir, indexer.embedder, all.slice(0, 60));
  } finally {
    store.close();
    heldOutStore.close();
    await Promise.all([indexer.embedder.dispose(), reranker?.dispose()]);
  }
}

async function qualityTables(
  title: string,
  retriever: Retriever,
  corpora: Corpus[],
  sets: GoldenQuestion[][],
  modes: RetrievalMode[],
): Promise<void> {
  const rows: Array<{ corpus: string; questions: number; chunk: QualityByMode; file: QualityByMode }> = [];
  for (const [i, corpus] of corpora.entries()) {
    const report = await evaluate(retriever, sets[i], { modes, k: K });
    const byMode = (level: (figures: ModeReport) => QualityMetrics) =>
      Object.fromEntries(modes.map((mode) => [mode, level(report.modes[mode]!)]));
    rows.push({
      corpus: corpus.name,
      questions: report.questions,
      chunk: byMode((f) => f),
      file: byMode((f) => f.file_level),
    });
  }
  // Every figure is a mean over questions, so the pooled row is the question-weighted mean of the rows.
  const total = rows.reduce((sum, row) => sum + row.questions, 0);
  const pool = (level: 'chunk' | 'file'): QualityByMode =>
    Object.fromEntries(
      modes.map((mode) => [
        mode,
        weightedMean(rows.map((row) => ({ weight: row.questions / total, figures: row[level][mode] }))),
      ]),
    );
  rows.push({ corpus: 'all', questions: total, chunk: pool('chunk'), file: pool('file') });
  process.stdout.write(`\nquality, ${title}: chunk level, top ${K}\n\n`);
  printTable(
    rows.flatMap((row) => modes.map((mode) => qualityRow(`${row.corpus} (${row.questions})`, mode, row.chunk[mode]))),
  );
  process.stdout.write('\nfile level\n\n');
  printTable(rows.flatMap((row) => modes.map((mode) => qualityRow(row.corpus, mode, row.file[mode]))));
}

type QualityByMode = Record<string, QualityMetrics>;

function weightedMean(parts: Array<{ weight: number; figures: QualityMetrics }>): QualityMetrics {
  const sum: Record<string, number> = {};
  for (const { weight, figures } of parts) {
    for (const [name, value] of Object.entries(figures)) sum[name] = (sum[name] ?? 0) + weight * value;
  }
  return sum as QualityMetrics;
}

/**
 * Held-out copies of the corpora, indexed into a copy of the combined index: only the files whose
 * docstrings were taken out are chunked and embedded again.
 */
async function heldOutIndex(
  work: string,
  corpora: Corpus[],
  questions: GoldenQuestion[][],
  indexer: IndexerModels,
  seedDb: string,
) {
  const root = path.join(work, 'held-out-repo');
  const dbDir = path.join(work, 'held-out-index');
  await fs.rm(root, { recursive: true, force: true });
  const kept: GoldenQuestion[][] = [];
  for (const [i, corpus] of corpora.entries()) {
    const result = await writeHeldOutCopy({
      root: path.join(work, 'repo', corpus.folder),
      questions: questions[i],
      dest: path.join(root, corpus.folder),
    });
    kept.push(result.questions);
  }
  if (!existsSync(dbDir)) await fs.cp(seedDb, dbDir, { recursive: true });
  const summary = await syncIndex({ root, dbDir }, indexer);
  return { dbDir, summary, questions: kept };
}

/**
 * Without cross-encoder weights, the re-rank stage's cost is estimated with the embedding model:
 * all-MiniLM-L6-v2 and ms-marco-MiniLM-L-6-v2 are the same network (BERT, 6 layers, 384 wide, same
 * q8 export), so one forward pass over the same (query, passage) texts costs the same. This is a
 * latency figure only; it says nothing about what re-ranking does to quality.
 */
async function rerankLatencyStandIn(
  retriever: Retriever,
  embedder: Embedder,
  questions: GoldenQuestion[],
): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  for (const count of [10, 20]) {
    const rerankMs: number[] = [];
    const totalMs: number[] = [];
    for (const question of questions) {
      const { chunks, trace } = await retriever.retrieve(question.question, { mode: 'hybrid', k: count });
      const start = performance.now();
      await embedder.embed(chunks.map(({ chunk }) => `${question.question} [SEP] ${chunk.text}`));
      const ms = performance.now() - start;
      rerankMs.push(ms);
      totalMs.push(trace.totalMs + ms);
    }
    rows.push({
      're-ranked': count,
      'rerank p50': percentile(rerankMs, 50),
      'rerank p95': percentile(rerankMs, 95),
      'hybrid + rerank p50': percentile(totalMs, 50),
      'hybrid + rerank p95': percentile(totalMs, 95),
    });
  }
  process.stdout.write(
    `\nre-rank stage estimated with a same-architecture model over ${questions.length} questions (ms)\n\n`,
  );
  printTable(rows);
}

/** Exact against approximate vector search on this index's own vectors, with real question vectors. */
async function vectorIndexOnRealVectors(dbDir: string, embedder: Embedder, questions: GoldenQuestion[]): Promise<void> {
  const db = await lancedb.connect(dbDir);
  const table = await db.openTable('chunks');
  try {
    const rows = await table.query().select(['vector']).toArray();
    const vectors = rows.map((row) => Float32Array.from(row.vector as ArrayLike<number>));
    process.stdout.write('\nvector search on the real vectors\n\n');
    await benchVectorIndexOnVectors(
      'real (this index)',
      vectors,
      await embedder.embed(questions.map((q) => q.question)),
    );
  } finally {
    table.close();
  }
}

/** How hybrid (and rerank) quality moves with the candidate depth, RRF's k and the re-rank count. */
async function sweep(retriever: Retriever, questions: GoldenQuestion[], canRerank: boolean): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  for (const candidates of [20, 50, 100]) {
    for (const rrfK of [10, 60]) {
      const report = await evaluate(retriever, questions, { modes: ['hybrid'], k: K, tuning: { candidates, rrfK } });
      rows.push(sweepRow('hybrid', { candidates, rrfK }, report.modes.hybrid!));
    }
  }
  if (canRerank) {
    for (const rerankCandidates of [10, 20, 40]) {
      const report = await evaluate(retriever, questions, {
        modes: ['rerank'],
        k: Math.min(K, rerankCandidates),
        tuning: { rerankCandidates },
      });
      rows.push(sweepRow('rerank', { rerankCandidates }, report.modes.rerank!));
    }
  }
  process.stdout.write(`\nsettings sweep over all ${questions.length} questions\n\n`);
  printTable(rows);
}

function sweepRow(
  mode: string,
  settings: Record<string, number>,
  figures: ModeReport,
): Record<string, string | number> {
  return {
    mode,
    settings: Object.entries(settings)
      .map(([key, value]) => `${key}=${value}`)
      .join(' '),
    'recall@1': figures['recall@1'],
    'recall@5': figures['recall@5'],
    'recall@10': figures['recall@10'],
    'mrr@10': figures['mrr@10'],
    'ndcg@10': figures['ndcg@10'],
    'p95 ms': figures.p95_ms,
  };
}

function qualityRow(corpus: string, mode: RetrievalMode, figures: QualityMetrics): Record<string, string | number> {
  return {
    corpus,
    mode,
    'recall@1': figures['recall@1'],
    'recall@5': figures['recall@5'],
    'recall@10': figures['recall@10'],
    'recall@20': figures['recall@20'],
    'mrr@10': figures['mrr@10'],
    'ndcg@10': figures['ndcg@10'],
  };
}

function latencyRow(mode: RetrievalMode, figures: ModeReport): Record<string, string | number> {
  const row: Record<string, string | number> = { mode, 'total p50': figures.p50_ms, 'total p95': figures.p95_ms };
  for (const stage of ['embed', 'dense', 'bm25', 'fusion', 'rerank'] as const) {
    const timing = figures.stages[stage];
    row[`${stage} p50`] = timing ? timing.p50_ms : '-';
    row[`${stage} p95`] = timing ? timing.p95_ms : '-';
  }
  return row;
}

/** Questions with paths as the combined index knows them. */
function prefixed(corpus: Corpus, questions: GoldenQuestion[]): GoldenQuestion[] {
  return questions.map((q) => ({
    ...q,
    id: `${corpus.folder}/${q.id}`,
    expected: q.expected.map((e) => ({ ...e, path: `${corpus.folder}/${e.path}` })),
  }));
}

export async function copyCorpus(corpus: Corpus, target: string): Promise<void> {
  if (existsSync(target)) return;
  const { only, skip } = corpus;
  await fs.cp(corpus.source, `${target}.partial`, {
    recursive: true,
    dereference: true,
    // With a pattern, only the matching files at the top of the source are taken.
    filter: (source) => !skip?.test(source) && (!only || source === corpus.source || only.test(source)),
  });
  await fs.rename(`${target}.partial`, target);
}
