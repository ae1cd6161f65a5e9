export { changeScope, isWithin, walkPaths, walkWorkspace } from './walk';
export { readTextFile } from './read-text-file';
export type { ReadOptions, ReadResult, SkipReason, SkippedFile, WalkOptions, WalkResult, WorkspaceFile } from './types';
export { SKIPPABLE_KINDS, type SkippableKind } from './kinds';
