import type { ErrorCode } from '../../core/errors';
import type { IndexProgress } from '../../core/indexer/types';

/** Where one workspace folder's index stands. Pure data: the status bar and commands read it. */
export type IndexState =
  | { kind: 'unknown' }
  | { kind: 'missing' }
  | { kind: 'indexing'; progress?: IndexProgress }
  | { kind: 'ready'; files: number; chunks: number; updatedAt: string }
  /** Another window or CLI run holds the write lock; what is on disk can still be read. */
  | { kind: 'locked'; message: string }
  | { kind: 'error'; code?: ErrorCode; message: string };

/**
 * Whether questions can search this folder now: a finished index, one another process writes, or one being built whose
 * keyword search works.
 */
export function isSearchable(state: IndexState): boolean {
  return (
    state.kind === 'ready' ||
    state.kind === 'locked' ||
    (state.kind === 'indexing' && state.progress?.keywordReady === true)
  );
}

/** All folders' states folded into the one line the status bar shows. */
export type IndexOverview =
  | { kind: 'none' }
  | {
      kind: 'indexing';
      filesDone: number;
      filesTotal: number;
      keywordReady: boolean;
      vectors: { ready: number; total: number };
    }
  | { kind: 'error'; message: string }
  | { kind: 'locked'; message: string }
  | { kind: 'missing' }
  | { kind: 'ready'; files: number; chunks: number };

/** Work in progress shows first, then problems, then what is missing; ready only when all are. */
export function summarize(states: readonly IndexState[]): IndexOverview {
  if (states.length === 0) return { kind: 'none' };
  const indexing = states.filter((state) => state.kind === 'indexing');
  if (indexing.length > 0) {
    const sum = (of: (progress: IndexProgress) => number) =>
      indexing.reduce((total, state) => total + (state.progress ? of(state.progress) : 0), 0);
    return {
      kind: 'indexing',
      filesDone: sum((progress) => progress.filesDone),
      filesTotal: sum((progress) => progress.filesTotal),
      keywordReady: indexing.every((state) => state.progress?.keywordReady),
      vectors: { ready: sum((progress) => progress.vectors.ready), total: sum((progress) => progress.vectors.total) },
    };
  }
  const error = states.find((state) => state.kind === 'error');
  if (error) return { kind: 'error', message: error.message };
  const locked = states.find((state) => state.kind === 'locked');
  if (locked) return { kind: 'locked', message: locked.message };
  const ready = states.filter((state) => state.kind === 'ready');
  if (ready.length < states.length) return { kind: 'missing' };
  return {
    kind: 'ready',
    files: ready.reduce((sum, state) => sum + state.files, 0),
    chunks: ready.reduce((sum, state) => sum + state.chunks, 0),
  };
}
