import { type CursorView, blockHeader, firstNonBlankLine, indentOf } from './cursor';
import type { CompletionMode } from './types';

const OPENERS = '([{';
const CLOSERS = ')]}';
const QUOTES = `'"\``;

/**
 * Turns what the model wrote into what the editor shows: cut at the end of the statement (one line)
 * or of the block (a body), without the text that already follows the cursor, without trailing
 * whitespace. Undefined when nothing new is left.
 */
export function postProcess(raw: string, view: CursorView, mode: CompletionMode): string | undefined {
  const text = raw.replace(/\r\n/g, '\n');
  const cut = mode === 'single' ? endOfStatement(text, view) : endOfBlock(text, view).text;
  const trimmed = trimTrailingWhitespace(mode === 'single' ? withoutSuffixOverlap(cut, view) : cut);
  return repeatsExisting(trimmed, view, mode) ? undefined : trimmed;
}

/**
 * The first line, and no further than a closing bracket the text after the cursor already has
 * (`foo(|)` answered with `a, b); x` keeps `a, b`).
 */
function endOfStatement(text: string, view: CursorView): string {
  const line = text.split('\n')[0];
  const nextChar = view.lineSuffix.trimStart()[0];
  const { negativeAt } = scanBrackets(line, 0);
  return negativeAt !== -1 && line[negativeAt] === nextChar ? line.slice(0, negativeAt) : line;
}

/**
 * Whether the model has written all that will be kept, so the rest of its answer need not be
 * waited for: a line break for one line, the end of the block for a body.
 */
export function answerComplete(text: string, view: CursorView, mode: CompletionMode): boolean {
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak === -1) return false;
  return mode === 'single' || endOfBlock(text.slice(0, lastBreak), view).ended;
}

/**
 * Keeps the lines of the body: stops at the first line indented no deeper than the line that opened
 * the block, or where more brackets close than open. A closing line at the opener's indentation is
 * kept when the text after the cursor does not close the block already.
 */
function endOfBlock(text: string, view: CursorView): { text: string; ended: boolean } {
  const atHeader = view.linePrefix.trim() !== '';
  const headerIndent = indentOf(blockHeader(view) ?? '');
  const suffixNext = firstNonBlankLine(view.below)?.trim();
  const lines = text.split('\n');
  const kept: string[] = [];
  let depth = 0;
  for (const [i, line] of lines.entries()) {
    // The first line continues the cursor's line: on the header line it is not part of the body.
    const full = i === 0 ? view.linePrefix + line : line;
    const scan = scanBrackets(line, depth);
    depth = scan.depth;
    const isBody = !(i === 0 && atHeader);
    if (isBody && full.trim() !== '' && (indentOf(full) <= headerIndent || scan.negativeAt !== -1)) {
      const closing = CLOSERS.includes(full.trim()[0]) && indentOf(full) === headerIndent;
      if (closing && full.trim() !== suffixNext) kept.push(line);
      else if (!closing && scan.negativeAt > 0) kept.push(line.slice(0, scan.negativeAt));
      return { text: kept.join('\n'), ended: true };
    }
    kept.push(line);
  }
  return { text: kept.join('\n'), ended: false };
}

/**
 * Removes the end of a line that the rest of the cursor's line already has. (A body needs no such
 * step: the code below it is indented no deeper than the block's opener, where endOfBlock stops.)
 */
function withoutSuffixOverlap(text: string, view: CursorView): string {
  const head = view.lineSuffix.trimEnd();
  for (let k = Math.min(text.length, head.length); k > 0; k--) {
    const kept = text.slice(0, -k);
    // `bar(|)` answered with `foo()`: the `)` overlaps the suffix but closes the completion's own bracket.
    if (text.endsWith(head.slice(0, k)) && scanBrackets(kept, 0).unclosed <= scanBrackets(text, 0).unclosed)
      return kept;
  }
  return text;
}

function trimTrailingWhitespace(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd();
}

/** Nothing new: blank, already right after the cursor, or the lines just above said again. */
function repeatsExisting(text: string, view: CursorView, mode: CompletionMode): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return true;
  if (view.suffix.trimStart().startsWith(trimmed)) return true;
  if (mode === 'single' && view.linePrefix.trim() !== '') return false;
  const written = nonBlankLines(view.prefix);
  const proposed = nonBlankLines(text);
  return (
    proposed.length <= written.length &&
    proposed.every((line, i) => line === written[written.length - proposed.length + i])
  );
}

function nonBlankLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

interface BracketScan {
  /** Depth after the text, counted from the depth given. */
  depth: number;
  /** Where the depth first drops below zero; -1 if never. */
  negativeAt: number;
  /** Brackets the text itself opens and leaves open. */
  unclosed: number;
}

/** Brackets outside quotes (quotes are taken as closing on the same line). */
function scanBrackets(text: string, depth: number): BracketScan {
  let quote: string | undefined;
  let negativeAt = -1;
  let unclosed = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (QUOTES.includes(char)) {
      quote = char;
    } else if (OPENERS.includes(char)) {
      depth++;
      unclosed++;
    } else if (CLOSERS.includes(char)) {
      unclosed = Math.max(0, unclosed - 1);
      if (--depth < 0 && negativeAt === -1) negativeAt = i;
    }
  }
  return { depth, negativeAt, unclosed };
}
