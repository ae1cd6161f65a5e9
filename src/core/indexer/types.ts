import type { SkippableKind } from '../files';

/** Everything an index run needs; the CLI and the extension both build one of these. */
export interface IndexOptions {
  /** Workspace root to index. */
  root: string;
  /** Folder holding the LanceDB index (CLI default: <root>/.reposage/index; extension: workspace storage). */
  dbDir: string;
  /** Local model folder (transformers.js layout). Absent: transformers.js cache/download. */
  modelsDir?: string;
  embeddingModel?: string;
  /** Walker settings. */
  maxFileBytes?: number;
  include?: string[];
  exclude?: string[];
  /** Kinds of file skipped by default that this index should hold (see SKIPPABLE_KINDS). */
  includeKinds?: SkippableKind[];
  /**
   * Root-relative paths (POSIX separators) of files or folders known to have been created, changed
   * or deleted since the last run: only they are looked at, without walking the workspace (a save).
   * Absent: the whole workspace is walked. Not used with a shared index, whose overlay is worked
   * out over every file.
   */
  changedPaths?: string[];
  /** Rebuild from scratch, for this reason (e.g. `reposage doctor` found garbled rows). */
  rebuildBecause?: string;
  /**
   * A shared index (`s3://…`, or a folder) this index is a local overlay on: only files that differ
   * from it are indexed into dbDir. The shared index is only read.
   */
  sharedIndex?: string;
}

export type IndexPhase = 'scanning' | 'chunking' | 'embedding' | 'writing' | 'cleaning' | 'done';

export interface IndexProgress {
  phase: IndexPhase;
  filesDone: number;
  filesTotal: number;
  chunks: number;
  skipped: number;
  /** Whether keyword search works on what is written (from the first batch on). */
  keywordReady: boolean;
  /** Chunks with their vector, of those that get one: dense search covers `ready` of `total` so far. */
  vectors: { ready: number; total: number };
  /** The file being worked on, when there is one. */
  path?: string;
}

export interface IndexSummary {
  root: string;
  dbDir: string;
  embeddingModel: string;
  dimension: number;
  chunkerVersion: string;
  files: { indexed: number; unchanged: number; removed: number; skipped: Record<string, number> };
  chunks: { total: number; embedded: number; reusedEmbeddings: number };
  languages: Record<string, number>;
  /** Why the index was rebuilt from scratch, if it was (model or chunker changed, corrupt). */
  rebuiltBecause?: string;
  /** Search indexes that had gone missing and were built again ('search_text', 'vector'). */
  repaired?: string[];
  seconds: number;
}

export type ProgressListener = (progress: IndexProgress) => void;
