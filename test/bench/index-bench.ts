import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import type { Embedder } from '../../src/core/embedding/types';
import { percentile } from '../../src/core/eval/metrics';
import { type IndexerModels, loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import type { IndexOptions, IndexProgress } from '../../src/core/indexer/types';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { printTable } from './table';

/** A large real corpus nobody here wrote: Django from Debian's python3-django, else TypeScript's lib. */
export function benchCorpus(): { name: string; dir: string } {
  const django = '/usr/lib/python3/dist-packages/django';
  if (existsSync(django)) return { name: 'django (python3-django)', dir: django };
  return { name: 'typescript/lib', dir: path.resolve(__dirname, '..', '..', 'node_modules', 'typescript', 'lib') };
}

/**
 * One folder of the corpus instead of all of it, when the variable names one. The from-scratch
 * build embeds every chunk with the real model (about 4 minutes for Django on a quiet machine, twice
 * that with the model-alone pass): REPOSAGE_BENCH_BUILD_FOLDER=db builds only django/db on a loaded
 * machine. REPOSAGE_BENCH_SAVE_FOLDER does the same for the save runs. The tables say which was measured.
 */
function corpusPart(corpus: { name: string; dir: string }, variable: string): { name: string; dir: string } {
  const folder = process.env[variable];
  return folder ? { name: `${corpus.name}, ${folder}/ only`, dir: path.join(corpus.dir, folder) } : corpus;
}

/** Wraps an embedder to measure the time spent inside the model. */
function timed(embedder: Embedder): { embedder: Embedder; modelMs: () => number; calls: string[][] } {
  let modelMs = 0;
  const calls: string[][] = [];
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
          modelMs += performance.now() - start;
          calls.push(batch);
        }
      },
    },
    modelMs: () => modelMs,
    calls,
  };
}

/** A copy of the corpus to index, with Django's translations left out the way a user would. */
async function copyCorpus(dir: string, into: string): Promise<void> {
  await fs.cp(dir, into, { recursive: true, dereference: true });
  // Django ships translations for ~100 languages; they would be most of the chunks and say little
  // about code indexing.
  await fs.writeFile(path.join(into, '.reposageignore'), 'locale/\n');
}

export async function benchIndexing(): Promise<void> {
  const corpus = benchCorpus();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-bench-'));
  const models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
  try {
    const build = await benchBuild(corpusPart(corpus, 'REPOSAGE_BENCH_BUILD_FOLDER'), path.join(work, 'build'), models);
    await benchSavePath(corpusPart(corpus, 'REPOSAGE_BENCH_SAVE_FOLDER'), path.join(work, 'save'), models);
    // Last, as it embeds the whole build again: the tables above are out even if a run is cut short.
    await benchModelAlone(build, models);
  } finally {
    await models.embedder.dispose();
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * A build from scratch, as a new user's first open: when the first batch is keyword-searchable and
 * the first question answered (a keyword search run then, timed until it returns hits), when
 * every file can be found by keyword, and when every chunk has its vector (the full build).
 */
async function benchBuild(
  corpus: { name: string; dir: string },
  work: string,
  models: IndexerModels,
): Promise<{ calls: string[][]; wallMs: number }> {
  const root = path.join(work, 'repo');
  const dbDir = path.join(work, 'index');
  await copyCorpus(corpus.dir, root);
  const probe = timed(models.embedder);
  const identity = { embeddingModel: models.embedder.modelId, chunkerVersion: CHUNKER_VERSION };

  const start = performance.now();
  let firstAnswer: Promise<number> | undefined;
  let keywordReadyMs = Number.NaN;
  let allByKeywordMs: number | undefined;
  const summary = await syncIndex(
    { root, dbDir },
    { ...models, embedder: probe.embedder },
    {
      onProgress: (progress) => {
        if (progress.keywordReady && !firstAnswer) {
          keywordReadyMs = performance.now() - start;
          firstAnswer = firstAnswerAt(dbDir, identity, start);
        }
        if (allByKeywordMs === undefined && isWritten(progress)) allByKeywordMs = performance.now() - start;
      },
    },
  );
  const wallMs = performance.now() - start;
  const firstAnswerMs = await (firstAnswer ?? Promise.resolve(Number.NaN));
  const insideModelMs = probe.modelMs();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const keywordMs = allByKeywordMs ?? wallMs;
  printTable([
    {
      corpus: corpus.name,
      files: summary.files.indexed,
      chunks: summary.chunks.total,
      embedded: summary.chunks.embedded,
      'first batch searchable s': keywordReadyMs / 1000,
      'first answer s': firstAnswerMs / 1000,
      'all files by keyword s': keywordMs / 1000,
      'keyword / full build': `${((100 * keywordMs) / wallMs).toFixed(1)}%`,
      'full build s': wallMs / 1000,
      'chunks/s': summary.chunks.total / (wallMs / 1000),
      'model share': `${((100 * insideModelMs) / wallMs).toFixed(0)}%`,
      'peak RSS MB': peakRssMb,
    },
  ]);
  process.stdout.write(
    [
      'goals: first answer <= 15 s after the build starts; all files by keyword <= 15% of the full build;',
      'first answer: a keyword query opened when the first batch is searchable, timed until it returns hits',
      '(it shares this process with the build, which the editor and the CLI do not);',
      'peak RSS <= 1,000 MB at 55k chunks (this row: its own chunk count).',
      'full build = every chunk that gets a vector has it (semantic coverage 100%).',
      '',
    ].join('\n'),
  );
  return { calls: probe.calls, wallMs };
}

/** The model's own time on the build's chunks, in the same calls, outside the indexer. */
async function benchModelAlone(build: { calls: string[][]; wallMs: number }, models: IndexerModels): Promise<void> {
  const alone = performance.now();
  for (const call of build.calls) await models.embedder.embed(call);
  const ratio = build.wallMs / (performance.now() - alone);
  process.stdout.write(`\nbuild wall / model alone on the same calls: ${ratio.toFixed(2)} (goal <= 1.15)\n`);
}

/** Opens the index being built and searches it by keyword until it answers; ms since `start`. */
async function firstAnswerAt(
  dbDir: string,
  identity: { embeddingModel: string; chunkerVersion: string },
  start: number,
): Promise<number> {
  for (;;) {
    const store = await ChunkStore.openForRead(dbDir, identity);
    try {
      // Words every Python or TypeScript chunk of the corpus has: any written chunk answers.
      if ((await store.searchKeywords('def class return interface', 5)).length > 0) return performance.now() - start;
    } finally {
      store.close();
    }
  }
}

/** Every changed file's chunks are committed and the keyword index is there: a new search finds them. */
function isWritten(progress: IndexProgress): boolean {
  return progress.phase === 'writing' && progress.keywordReady && progress.filesDone === progress.filesTotal;
}

/** A stand-in for the real model's vectors of the bulk of the index; the save runs embed with the real one. */
function constantEmbedder(real: Embedder): Embedder {
  const vector = new Float32Array(real.dimension).fill(1 / Math.sqrt(real.dimension));
  return {
    modelId: real.modelId,
    dimension: real.dimension,
    embed: async (texts) => texts.map(() => vector),
    dispose: async () => undefined,
  };
}

/**
 * Saving one 500-line file (100 functions) in the indexed corpus, 20 times per row: one function
 * edited (a typical save, where the content-hash cache spares the other chunks) or every function
 * rewritten (all its chunks re-embedded). The editor hands the indexer the saved file; the walk rows
 * are the same change found by walking the workspace, as every save did before. Searchable: the
 * new chunks are written and found by keyword; complete: their vectors are in and the run is done.
 */
async function benchSavePath(
  corpus: { name: string; dir: string },
  work: string,
  models: IndexerModels,
): Promise<void> {
  const root = path.join(work, 'repo');
  const dbDir = path.join(work, 'index');
  await copyCorpus(corpus.dir, root);
  const target = 'reposage_bench_module.py';
  const body = (allFunctions: number, firstFunction: number) =>
    Array.from({ length: 100 }, (_, i) => {
      const n = i === 0 ? firstFunction : allFunctions;
      return (
        `def helper_${i}(value):\n    """Return value plus ${i + n}."""\n    result = value + ${i + n}\n` +
        `    return result\n`
      );
    }).join('\n');
  await fs.writeFile(path.join(root, target), body(0, 0));
  // The bulk of the index gets stand-in vectors: the save runs' cost does not depend on their values.
  const built = await syncIndex({ root, dbDir }, { ...models, embedder: constantEmbedder(models.embedder) });

  const rows: Array<Record<string, string | number>> = [];
  let run = 0;
  for (const scenario of ['one function', 'every function'] as const) {
    for (const sync of ['save (the file)', 'walk (whole workspace)'] as const) {
      const searchable: number[] = [];
      const complete: number[] = [];
      for (let i = 0; i < 20; i++) {
        run++;
        await fs.writeFile(path.join(root, target), scenario === 'every function' ? body(run, run) : body(0, run));
        const options: IndexOptions = { root, dbDir, ...(sync.startsWith('save') ? { changedPaths: [target] } : {}) };
        const start = performance.now();
        let written: number | undefined;
        await syncIndex(options, models, {
          onProgress: (progress) => {
            if (written === undefined && isWritten(progress)) written = performance.now() - start;
          },
        });
        complete.push(performance.now() - start);
        searchable.push(written ?? complete[complete.length - 1]);
      }
      rows.push({
        'save one 500-line file': scenario,
        sync,
        runs: complete.length,
        'searchable p50 ms': percentile(searchable, 50),
        'searchable p95 ms': percentile(searchable, 95),
        'complete p50 ms': percentile(complete, 50),
        'complete p95 ms': percentile(complete, 95),
      });
    }
  }
  process.stdout.write(`${corpus.name}: ${built.files.indexed} files, ${built.chunks.total} chunks\n\n`);
  printTable(rows);
  process.stdout.write('goal: save to searchable p95 <= 150 ms at ~10k chunks\n');
}
