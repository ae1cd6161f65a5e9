import type { ErrorCode } from '../errors';
import type { ModelSettings } from './models';
import type { IndexOptions, IndexProgress, IndexSummary } from './types';

/** Messages between the extension host and the indexing worker thread. */
export type ToWorker = { type: 'sync'; id: number; options: IndexOptions } | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'progress'; id: number; progress: IndexProgress }
  | { type: 'done'; id: number; summary: IndexSummary }
  | { type: 'error'; id: number; error: { code?: ErrorCode; message: string; hint?: string } };

export interface WorkerData {
  models: ModelSettings;
}
