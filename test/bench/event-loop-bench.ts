import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { IndexWorker } from '../../src/core/indexer/worker-client';
import { testModels } from '../support/models';
import { printTable } from './table';

/**
 * How long the calling thread's event loop is blocked while a real repository indexes: in a worker
 * thread (what the extension host does) against the same run on the calling thread. The extension
 * host stays responsive when the longest block stays small.
 */
export async function benchEventLoop(): Promise<void> {
  const corpus = '/usr/lib/python3/dist-packages/django/db';
  const source = (await fs.stat(corpus).catch(() => undefined)) ? corpus : path.resolve(__dirname, '..', '..', 'src');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-loop-'));
  const { modelsDir } = testModels();
  try {
    const root = path.join(work, 'repo');
    await fs.cp(source, root, { recursive: true });
    const rows: Array<Record<string, string | number>> = [];

    const worker = new IndexWorker(path.resolve(__dirname, 'index-worker.js'), { modelsDir });
    rows.push(await measure('worker thread', () => worker.sync({ root, dbDir: path.join(work, 'worker-index') })));
    await worker.dispose();

    const models = await loadIndexerModels({ modelsDir });
    rows.push(
      await measure('calling thread', () => syncIndex({ root, dbDir: path.join(work, 'inline-index') }, models)),
    );
    await models.embedder.dispose();

    process.stdout.write(`corpus: ${source}\n`);
    printTable(rows);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function measure(
  where: string,
  run: () => Promise<{ chunks: { total: number }; seconds: number }>,
): Promise<Record<string, string | number>> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const summary = await run();
  delay.disable();
  return {
    'indexing runs on': where,
    chunks: summary.chunks.total,
    'index s': summary.seconds,
    'longest block ms': delay.max / 1e6,
    'p99 block ms': delay.percentile(99) / 1e6,
  };
}
