import { parentPort, workerData } from 'node:worker_threads';
import { RepoSageError } from '../errors';
import { loadIndexerModels, type IndexerModels } from './models';
import { syncIndex } from './sync';
import type { FromWorker, ToWorker, WorkerData } from './worker-protocol';

/**
 * Entry of the indexing worker thread: keeps the models loaded and runs one sync at a time, so
 * chunking and embedding never block the extension host's event loop.
 */
const port = parentPort;
if (!port) throw new Error('index-worker must run in a worker thread');

const settings = (workerData as WorkerData).models;
let models: Promise<IndexerModels> | undefined;
const running = new Map<number, AbortController>();

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  void runSync(message.id, message.options);
});

async function runSync(id: number, options: Parameters<typeof syncIndex>[0]): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  const send = (message: FromWorker) => port!.postMessage(message);
  try {
    // A failed load is not cached: the next run retries (the user may have fixed the models folder).
    models ??= loadIndexerModels(settings).catch((error: unknown) => {
      models = undefined;
      throw error;
    });
    const summary = await syncIndex(options, await models, {
      signal: controller.signal,
      onProgress: (progress) => send({ type: 'progress', id, progress }),
    });
    send({ type: 'done', id, summary });
  } catch (error) {
    send({
      type: 'error',
      id,
      error:
        error instanceof RepoSageError
          ? { code: error.code, message: error.message, hint: error.hintTemplate }
          : { message: error instanceof Error ? error.message : String(error) },
    });
  } finally {
    running.delete(id);
  }
}
