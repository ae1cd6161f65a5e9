import type { RecentEdit } from './types';

/**
 * The last few places the user changed, newest first, fed by the editor. Code being written right
 * now is the best hint of what comes next, and the index has not seen it yet.
 */
export class RecentEdits {
  private edits: RecentEdit[] = [];

  constructor(private readonly capacity = 8) {}

  /** The newest text of a region replaces every older edit it overlaps. */
  record(edit: RecentEdit): void {
    const overlaps = (old: RecentEdit) =>
      old.path === edit.path && old.startLine <= edit.endLine && edit.startLine <= old.endLine;
    this.edits = [edit, ...this.edits.filter((old) => !overlaps(old))].slice(0, this.capacity);
  }

  list(): readonly RecentEdit[] {
    return this.edits;
  }
}
