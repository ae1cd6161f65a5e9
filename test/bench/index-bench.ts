import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import type { Embedder } from '../../src/core/embedding/types';
import { testModels } from '../support/models';
import { percentile } from '../../src/core/eval/metrics';
import { printTable } from './table';

/** A large real corpus nobody here wrote: Django from Debian's python3-django, else TypeScript's lib. */
export function benchCorpus(): { name: string; dir: string } {
  const django = '/usr/lib/python3/dist-packages/django';
  if (existsSync(django)) return { name: 'django (python3-django)', dir: django };
  return { name: 'typescript/lib', dir: path.resolve(__dirname, '..', '..', 'node_modules', 'typescript', 'lib') };
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

export async function benchIndexing(): Promise<void> {
  const corpus = benchCorpus();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-bench-'));
  try {
    const root = path.join(work, 'repo');
    await fs.cp(corpus.dir, root, { recursive: true, dereference: true });
    // Django ships translations for ~100 languages; they would be most of the chunks and say little
    // about code indexing, so the bench leaves them out the way a user would.
    await fs.writeFile(path.join(root, '.reposageignore'), 'locale/\n');
    const models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    const probe = timed(models.embedder);
    const dbDir = path.join(work, 'index');

    const start = performance.now();
    const summary = await syncIndex({ root, dbDir }, { ...models, embedder: probe.embedder });
    const wallMs = performance.now() - start;
    const insideModelMs = probe.modelMs();

    // The model's own time on the same chunks, in the same calls, outside the indexer.
    const alone = performance.now();
    for (const call of probe.calls) await models.embedder.embed(call);
    const modelAloneMs = performance.now() - alone;

    const files = summary.files.indexed;
    printTable([
      {
        corpus: corpus.name,
        files,
        chunks: summary.chunks.total,
        'wall s': wallMs / 1000,
        'files/s': files / (wallMs / 1000),
        'chunks/s': summary.chunks.total / (wallMs / 1000),
        'model share': `${((100 * insideModelMs) / wallMs).toFixed(0)}%`,
        'wall / model alone': wallMs / modelAloneMs,
        'peak RSS MB': process.resourceUsage().maxRSS / 1024,
      },
    ]);
    process.stdout.write('goal: wall / model alone <= 1.15\n\n');

    // Re-index after changing one 500-line file: every function in it (worst case), or one function
    // (a typical save, where the content-hash cache spares the other chunks).
    const target = path.join(root, 'reposage_bench_module.py');
    const body = (allFunctions: number, firstFunction: number) =>
      Array.from({ length: 100 }, (_, i) => {
        const n = i === 0 ? firstFunction : allFunctions;
        return (
          `def helper_${i}(value):\n    """Return value plus ${i + n}."""\n    result = value + ${i + n}\n` +
          `    return result\n`
        );
      }).join('\n');
    await fs.writeFile(target, body(0, 0));
    await syncIndex({ root, dbDir }, models);
    const rows: Array<Record<string, string | number>> = [];
    for (const scenario of ['every function', 'one function'] as const) {
      const times: number[] = [];
      for (let run = 1; run <= 20; run++) {
        await fs.writeFile(target, scenario === 'every function' ? body(run, run) : body(20, 20 + run));
        const t = performance.now();
        await syncIndex({ root, dbDir }, models);
        times.push(performance.now() - t);
      }
      rows.push({
        'change one 500-line file': scenario,
        runs: times.length,
        'p50 ms': percentile(times, 50),
        'p95 ms': percentile(times, 95),
      });
    }
    printTable(rows);
    process.stdout.write('goal: p95 <= 300 ms\n');
    await models.embedder.dispose();
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
