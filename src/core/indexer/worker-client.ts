import { Worker } from 'node:worker_threads';
import { RepoSageError } from '../errors';
import type { ModelSettings } from './models';
import type { SyncControls } from './sync';
import type { IndexOptions, IndexSummary } from './types';
import type { FromWorker, ToWorker, WorkerData } from './worker-protocol';

/**
 * Runs index syncs in a worker thread that keeps the models loaded between runs.
 * `workerFile` is the bundled worker entry (dist/index-worker.js).
 */
export class IndexWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (s: IndexSummary) => void; reject: (e: Error) => void; controls: SyncControls }
  >();

  constructor(
    private readonly workerFile: string,
    private readonly models: ModelSettings,
  ) {}

  sync(options: IndexOptions, controls: SyncControls = {}): Promise<IndexSummary> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<IndexSummary>((resolve, reject) => {
      if (controls.signal?.aborted) {
        reject(new RepoSageError('CANCELLED', 'Indexing was cancelled.'));
        return;
      }
      this.pending.set(id, { resolve, reject, controls });
      controls.signal?.addEventListener('abort', () => this.post({ type: 'cancel', id }), { once: true });
      worker.postMessage({ type: 'sync', id, options } satisfies ToWorker);
    });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new RepoSageError('CANCELLED', 'Indexing stopped because RepoSage was shut down.'));
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerFile, { workerData: { models: this.models } satisfies WorkerData });
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (code !== 0) this.failAll(new Error(`The indexing worker stopped unexpectedly (exit code ${code}).`));
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    const entry = this.pending.get(message.id);
    if (!entry) return;
    if (message.type === 'progress') {
      entry.controls.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'done') entry.resolve(message.summary);
    else
      entry.reject(
        message.error.code
          ? new RepoSageError(message.error.code, message.error.message, message.error.hint)
          : new Error(message.error.message),
      );
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private failAll(error: Error): void {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}
