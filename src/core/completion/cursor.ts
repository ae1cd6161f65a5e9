import { RepoSageError } from '../errors';
import type { CompletionMode } from './types';

/** The text around the cursor, split the ways completion needs it. */
export interface CursorView {
  /** Everything before the cursor. */
  prefix: string;
  /** Everything after the cursor. */
  suffix: string;
  /** The current line up to the cursor. */
  linePrefix: string;
  /** The current line from the cursor on. */
  lineSuffix: string;
  /** The lines above the current one (with the newline that ends them). */
  above: string;
  /** The lines below the current one (with the newline that starts them). */
  below: string;
  /** 0-based line of the cursor. */
  line: number;
}

export function viewAt(text: string, offset: number): CursorView {
  const prefix = text.slice(0, offset);
  const suffix = text.slice(offset);
  const lineStart = prefix.lastIndexOf('\n') + 1;
  const lineEnd = suffix.indexOf('\n') === -1 ? suffix.length : suffix.indexOf('\n');
  return {
    prefix,
    suffix,
    linePrefix: prefix.slice(lineStart),
    lineSuffix: suffix.slice(0, lineEnd),
    above: prefix.slice(0, lineStart),
    below: suffix.slice(lineEnd),
    line: countNewlines(prefix),
  };
}

/** Character offset of a 1-based line and column (a column just past the line's end is allowed). */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  if (!Number.isInteger(line) || line < 1 || line > lines.length) {
    throw new RepoSageError('INVALID_INPUT', `Line ${line} is outside the file (1 to ${lines.length}).`);
  }
  const length = lines[line - 1].replace(/\r$/, '').length;
  if (!Number.isInteger(column) || column < 1 || column > length + 1) {
    throw new RepoSageError('INVALID_INPUT', `Column ${column} is outside line ${line} (1 to ${length + 1}).`);
  }
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
  return offset + column - 1;
}

const BLOCK_OPENER = /[{:]\s*$/;

/**
 * Multi-line only where a whole body is wanted: the cursor sits right after a block opener (`{` or
 * `:`) with nothing after it, or on a blank line under one, and the block has no body yet (the next
 * non-blank line is not indented deeper than the opener's line). Everywhere else one line, because
 * longer guesses mid-code are mostly wrong and cost model time.
 */
export function completionMode(view: CursorView): CompletionMode {
  if (view.lineSuffix.trim() !== '') return 'single';
  const header = blockHeader(view);
  if (header === undefined || !BLOCK_OPENER.test(header)) return 'single';
  const next = firstNonBlankLine(view.below);
  return next === undefined || indentOf(next) <= indentOf(header) ? 'multi' : 'single';
}

/** The line a body would belong to: the cursor's line, or the last non-blank one above a blank cursor line. */
export function blockHeader(view: CursorView): string | undefined {
  return view.linePrefix.trim() === '' ? lastNonBlankLine(view.above) : view.linePrefix;
}

export function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function lastNonBlankLine(text: string): string | undefined {
  return text
    .split('\n')
    .reverse()
    .find((line) => line.trim() !== '');
}

export function firstNonBlankLine(text: string): string | undefined {
  return text.split('\n').find((line) => line.trim() !== '');
}

export function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
