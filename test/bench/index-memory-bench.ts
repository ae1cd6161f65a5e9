import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EVAL_K } from '../../src/core/defaults';
import { bootstrapGoldenSet } from '../../src/core/eval/bootstrap';
import { percentile } from '../../src/core/eval/metrics';
import { disposeQueryModels, loadQueryModelsForIndex, openSearch } from '../../src/core/retrieval/search-session';
import { readManifest } from '../../src/core/store/manifest';
import { repoRoot } from '../support/build-dist';
import { testModels } from '../support/models';
import { CORPORA, type Corpus, copyCorpus } from './retrieval-bench';
import { printTable } from './table';

/** Tests, caches and other Pythons' packages are left out of the Python trees. */
const PYTHON_SKIP = /\/(test|tests|idle_test|site-packages|dist-packages|__pycache__)$/;

/**
 * The retrieval bench's corpora plus enough real Python to pass 55k chunks: the 3.11 standard
 * library and three large packages Debian ships. Every one is read where the machine has it.
 */
const MEMORY_CORPORA: Corpus[] = [
  ...CORPORA,
  { name: 'python 3.11 stdlib', folder: 'python-stdlib', source: '/usr/lib/python3.11', skip: PYTHON_SKIP },
  ...['pygments', 'pip', 'setuptools'].map((name) => ({
    name,
    folder: name,
    source: `/usr/lib/python3/dist-packages/${name}`,
    skip: PYTHON_SKIP,
  })),
];

/** Questions per retrieval corpus for the latency rows, as in the retrieval bench. */
const QUESTIONS_PER_CORPUS = 200;

/**
 * Peak RSS of `reposage index` from scratch on a corpus of 55k+ chunks, run the way a user runs it
 * (the executable, with the real model) under /usr/bin/time; then query latency on the index it
 * built, with the default retriever (hybrid, re-ordered by the shipped learned ranker). The corpus
 * and index are kept in the temp folder: REPOSAGE_BENCH_REUSE_INDEX=1 measures queries on the
 * index a previous run built, without building it again (the build takes 20+ minutes on 2 cores).
 */
export async function benchIndexMemory(): Promise<void> {
  const work = path.join(os.tmpdir(), 'reposage-memory-bench');
  const root = path.join(work, 'repo');
  const dbDir = path.join(work, 'index');
  const corpora = MEMORY_CORPORA.filter((corpus) => existsSync(corpus.source));
  for (const corpus of corpora) await copyCorpus(corpus, path.join(root, corpus.folder));
  // Django ships translations for ~100 languages; left out the way a user would.
  await fs.writeFile(path.join(root, '.reposageignore'), 'locale/\n');
  process.stdout.write(`corpus: ${corpora.map((corpus) => corpus.name).join(', ')}\n\n`);

  const load = sampleLoad();
  if (!(process.env.REPOSAGE_BENCH_REUSE_INDEX && existsSync(dbDir))) {
    await fs.rm(dbDir, { recursive: true, force: true });
    const build = await timedIndex(root, dbDir);
    const during = load.take();
    printTable([
      {
        files: build.files,
        chunks: build.chunks,
        embedded: build.embedded,
        'wall s': build.seconds,
        'chunks/s': build.chunks / build.seconds,
        'peak RSS MB': build.peakRssMb,
        'goal MB': 1000,
        'load avg (mean / max)': `${during.mean.toFixed(1)} / ${during.max.toFixed(1)}`,
      },
    ]);
    process.stdout.write('goal: peak RSS <= 1,000 MB while indexing 55k chunks (`reposage index`, from scratch)\n\n');
  }
  await benchQueries(root, dbDir);
  const during = load.take();
  load.stop();
  process.stdout.write(`load average during the queries: ${during.mean.toFixed(1)} / ${during.max.toFixed(1)}\n`);
}

interface TimedIndex {
  files: number;
  chunks: number;
  embedded: number;
  seconds: number;
  peakRssMb: number;
}

/** `reposage index` as the executable it is, under /usr/bin/time for the process's own peak RSS. */
async function timedIndex(root: string, dbDir: string): Promise<TimedIndex> {
  const time = '/usr/bin/time';
  if (!existsSync(time)) throw new Error(`${time} is needed to measure peak RSS (apt-get install time).`);
  const marker = 'reposage-peak-rss-kb';
  const child = spawn(
    time,
    ['-f', `${marker} %M`, path.join(repoRoot, 'dist', 'cli.js'), 'index', root, '--db', dbDir, '--json', '--quiet'],
    { env: { ...process.env, REPOSAGE_MODELS_DIR: testModels().modelsDir } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => (stdout += data));
  child.stderr.on('data', (data) => (stderr += data));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const peak = new RegExp(`${marker} (\\d+)`).exec(stderr);
  if (code !== 0 || !peak) throw new Error(`reposage index failed (exit ${code}): ${stderr.trim()}`);
  const summary = JSON.parse(stdout);
  return {
    files: summary.files.indexed,
    chunks: summary.chunks.total,
    embedded: summary.chunks.embedded,
    seconds: summary.seconds,
    peakRssMb: Number(peak[1]) / 1024,
  };
}

/**
 * Each question's wall time through the retriever `reposage query` and the editor use (the learned
 * ranker included, which the trace's own total leaves out), after a warm-up.
 */
async function benchQueries(root: string, dbDir: string): Promise<void> {
  const questions = (
    await Promise.all(
      CORPORA.filter((corpus) => existsSync(path.join(root, corpus.folder))).map((corpus) =>
        bootstrapGoldenSet({ root: path.join(root, corpus.folder), limit: QUESTIONS_PER_CORPUS }),
      ),
    )
  ).flatMap((set) => set.questions.map((question) => question.question));
  const models = await loadQueryModelsForIndex(dbDir, { modelsDir: testModels().modelsDir, reranker: 'none' });
  const search = await openSearch(dbDir, models);
  try {
    const options = { mode: 'hybrid' as const, k: DEFAULT_EVAL_K };
    for (const question of questions.slice(0, 20)) await search.retriever.retrieve(question, options);
    const wall: number[] = [];
    const stages = new Map<string, number[]>();
    for (const question of questions) {
      const start = performance.now();
      const { trace } = await search.retriever.retrieve(question, options);
      const ms = performance.now() - start;
      wall.push(ms);
      for (const { stage, ms: stageMs } of trace.stages) stages.set(stage, [...(stages.get(stage) ?? []), stageMs]);
      stages.set('learned ranker', [...(stages.get('learned ranker') ?? []), ms - trace.totalMs]);
    }
    const chunks = (await readManifest(dbDir))?.complete?.chunks;
    process.stdout.write(
      `query latency, ${questions.length} questions, ${chunks} chunks, ` +
        `hybrid + learned ranker, k ${options.k} (ms)\n\n`,
    );
    const row = (name: string, times: number[]) => ({
      stage: name,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
    });
    printTable([
      { ...row('total (wall)', wall), goal: 'p95 <= 20 (issue 17), <= 30 (issue 14)' },
      ...[...stages].map(([stage, times]) => ({ ...row(stage, times), goal: '' })),
    ]);
  } finally {
    search.close();
    await disposeQueryModels(models);
  }
}

/** The 1-minute load average every 5 s: how busy the shared machine was while a figure was taken. */
function sampleLoad(): { take(): { mean: number; max: number }; stop(): void } {
  let samples: number[] = [os.loadavg()[0]];
  const timer = setInterval(() => samples.push(os.loadavg()[0]), 5000);
  return {
    take() {
      const taken = { mean: samples.reduce((sum, n) => sum + n, 0) / samples.length, max: Math.max(...samples) };
      samples = [os.loadavg()[0]];
      return taken;
    },
    stop: () => clearInterval(timer),
  };
}
