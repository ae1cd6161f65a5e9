import type { RecentEdit } from '../../core/completion';

/** One change as VS Code reports it: where it started (0-based line) and the text put there. */
export interface TextChange {
  startLine: number;
  text: string;
}

/** The document after the change, line by line. */
export interface DocumentLines {
  lineCount: number;
  lineAt(line: number): string;
}

/** A line on each side, so a one-character edit still shows the statement it belongs to. */
const AROUND_LINES = 1;
/** A large paste is mostly not the work in progress; its start is. */
const MAX_LINES = 30;

/**
 * The lines a change left behind, as the completion session's recent edit (1-based lines, as they
 * are now). Undefined when nothing but blank lines is left, as after deleting a block.
 */
export function recentEditOf(path: string, change: TextChange, document: DocumentLines): RecentEdit | undefined {
  const changedLines = change.text.split('\n').length;
  const first = Math.max(0, change.startLine - AROUND_LINES);
  const last = Math.min(
    document.lineCount - 1,
    change.startLine + changedLines - 1 + AROUND_LINES,
    first + MAX_LINES - 1,
  );
  const lines: string[] = [];
  for (let line = first; line <= last; line++) lines.push(document.lineAt(line));
  const text = lines.join('\n');
  if (text.trim() === '') return undefined;
  return { path, startLine: first + 1, endLine: last + 1, text };
}
