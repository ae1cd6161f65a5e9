import type { SkippableKind } from './kinds';

export interface WalkOptions {
  /** Files above this size are skipped as 'too-large'. Default: DEFAULT_MAX_FILE_BYTES. */
  maxFileBytes?: number;
  /**
   * Extra patterns to leave out, in .gitignore syntax relative to the root. They come after the
   * built-in defaults, so a negation such as `!vendor/` brings a default-excluded folder back.
   */
  exclude?: string[];
  /** When given, only files matching one of these .gitignore-syntax patterns are indexed. */
  include?: string[];
  /** Kinds of file that are skipped by default but wanted here (e.g. 'lock-file'). Secrets never are. */
  includeKinds?: readonly SkippableKind[];
  /** Folders never to walk into, absolute: the index's own folder when it sits inside the root. */
  excludeFolders?: readonly string[];
}

export interface WorkspaceFile {
  /** Relative to the workspace root, POSIX separators. */
  path: string;
  absolutePath: string;
  size: number;
  mtimeMs: number;
}

/**
 * Why a file was left out. 'ignored' (rules, defaults, include/exclude) is only counted, never
 * listed. The kinds (SKIPPABLE_KINDS) come from the name in the walk, or from the content in
 * readTextFile, as do secrets found inside a file.
 */
export type SkipReason =
  | 'ignored'
  | 'binary'
  | 'too-large'
  | SkippableKind
  | 'secret'
  | 'unreadable'
  | 'symlink-loop'
  | 'outside-root';

export interface SkippedFile {
  /** Relative to the workspace root, POSIX separators; a folder when a whole folder was skipped. */
  path: string;
  reason: Exclude<SkipReason, 'ignored'>;
}

export interface WalkResult {
  /** Files to index, sorted by path. */
  files: WorkspaceFile[];
  /** Files and folders left out for a reason worth showing, sorted by path. */
  skipped: SkippedFile[];
  /** How many files and folders ignore rules left out (a pruned folder counts once). */
  ignored: number;
}

/** What readTextFile gives back: the decoded text, or why the content is not worth indexing. */
export type ReadResult =
  | { text: string }
  | { skipped: 'binary' | 'too-large' | 'unreadable' | 'secret' | SkippableKind; detail?: string };

export interface ReadOptions {
  /** Kinds of file that are skipped by default but wanted here. */
  includeKinds?: readonly SkippableKind[];
  /**
   * Only for a caller that removes every credential itself before anything leaves it (the style
   * dataset export scrubs them line by line): a file with a secret inside is read, not skipped.
   * Credential files (by name) are never walked whatever this says.
   */
  callerScrubsSecrets?: boolean;
}
