import type { ErrorCode } from '../../core/errors';
import type { IndexStatus } from '../../core/indexer/status';
import type { IndexProgress } from '../../core/indexer/types';
import { incompleteNote } from '../../core/store/integrity';

/** Where one workspace folder's index stands. Pure data: the status bar and commands read it. */
export type IndexState =
  | { kind: 'unknown' }
  | { kind: 'missing' }
  | { kind: 'indexing'; progress?: IndexProgress }
  | { kind: 'ready'; files: number; chunks: number; updatedAt: string }
  /**
   * A run stopped before it finished (or another process is building it now): searchable, but
   * files not reached yet cannot be found. The same state `reposage status` calls partial.
   */
  | { kind: 'partial'; files: number; chunks: number; filesPlanned?: number; building: boolean; updatedAt: string }
  /** Data or a search index is missing or unreadable: nothing can search it until a re-index repairs it. */
  | { kind: 'damaged'; problems: string[] }
  /** Another window or CLI run holds the write lock; what is on disk can still be read. */
  | { kind: 'locked'; message: string }
  | { kind: 'error'; code?: ErrorCode; message: string };

/** The index on disk as the status bar, the chat view and suggestions show it: the state `reposage status` reports. */
export function stateOf(status: IndexStatus): IndexState {
  const { files, chunks, updatedAt } = status;
  switch (status.state) {
    case 'complete':
      return { kind: 'ready', files, chunks, updatedAt };
    case 'partial':
    case 'building':
      return {
        kind: 'partial',
        files,
        chunks,
        filesPlanned: status.filesPlanned,
        building: status.state === 'building',
        updatedAt,
      };
    case 'damaged':
      return { kind: 'damaged', problems: status.problems };
  }
}

/**
 * Whether questions can search this folder now: a finished index, one another process writes, or one being built whose
 * keyword search works.
 */
export function isSearchable(state: IndexState): boolean {
  return (
    state.kind === 'ready' ||
    state.kind === 'partial' ||
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
  | { kind: 'damaged'; problems: string[] }
  | { kind: 'locked'; message: string }
  | { kind: 'missing' }
  /** note: "partial index (64 of 134 files)", as the CLI and answers say it. */
  | { kind: 'partial'; files: number; chunks: number; note: string }
  | { kind: 'ready'; files: number; chunks: number };

/**
 * Work in progress shows first, then problems, then what is missing, then what is unfinished;
 * ready only when all are.
 */
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
  const damaged = states.flatMap((state) => (state.kind === 'damaged' ? state.problems : []));
  if (states.some((state) => state.kind === 'damaged')) return { kind: 'damaged', problems: damaged };
  const locked = states.find((state) => state.kind === 'locked');
  if (locked) return { kind: 'locked', message: locked.message };
  const served = states.filter((state) => state.kind === 'ready' || state.kind === 'partial');
  if (served.length < states.length) return { kind: 'missing' };
  const files = served.reduce((sum, state) => sum + state.files, 0);
  const chunks = served.reduce((sum, state) => sum + state.chunks, 0);
  const partial = served.filter((state) => state.kind === 'partial');
  if (partial.length === 0) return { kind: 'ready', files, chunks };
  // Planned counts only add up when every folder knows its own; a finished folder planned what it holds.
  const planned = served.map((state) => (state.kind === 'partial' ? state.filesPlanned : state.files));
  const note = incompleteNote({
    state: partial.some((state) => state.building) ? 'building' : 'partial',
    files,
    filesPlanned: planned.every((n) => n !== undefined) ? planned.reduce((sum, n) => sum + n, 0) : undefined,
  });
  return { kind: 'partial', files, chunks, note: note ?? '' };
}
