import type { TokenCounter } from './chunk';

/** The file being chunked, as its chunk headers name it. */
export interface FileHeading {
  path: string;
  /** Line comment marker the header lines start with, if the language has one. */
  comment?: string;
}

/**
 * Token arithmetic for one file. Every line is counted once, up front; the size of any run of
 * lines is then a subtraction. Word-piece tokenizers split at whitespace, so the tokens of joined
 * lines are the sum of the lines' tokens; the final check on each finished chunk (see pieces.ts)
 * catches tokenizers where that is not exact.
 */
export class TokenBudget {
  /** Tokens the model adds to every input ([CLS] and [SEP]). */
  readonly overhead: number;
  private readonly prefix: Float64Array;
  private readonly headers = new Map<string, string>();

  constructor(
    readonly counter: TokenCounter,
    readonly lines: readonly string[],
    private readonly file: FileHeading,
  ) {
    this.overhead = counter.count('');
    this.prefix = new Float64Array(lines.length + 1);
    for (const [row, line] of lines.entries()) this.prefix[row + 1] = this.prefix[row] + this.tokens(line);
  }

  get maxTokens(): number {
    return this.counter.maxTokens;
  }

  /** Tokens of a text as part of a larger input: no special tokens, nothing for whitespace alone. */
  tokens(text: string): number {
    return text.trim() === '' ? 0 : this.counter.count(text) - this.overhead;
  }

  /** Tokens of rows from..to (0-based, inclusive). */
  rows(from: number, to: number): number {
    return this.prefix[to + 1] - this.prefix[from];
  }

  /** Tokens left for content once the special tokens and the header with this context are paid for. */
  contentBudget(context: readonly string[]): number {
    return this.maxTokens - this.overhead - this.tokens(this.header(context));
  }

  /**
   * The lines above a chunk's content: the path, then context such as "in: class Foo {". A header
   * takes at most half the model's window: outer context goes first, then the path is shortened
   * to its end. That always leaves room for content.
   */
  header(context: readonly string[]): string {
    const key = context.join('\n');
    let header = this.headers.get(key);
    if (header === undefined) {
      header = this.fitHeader(context);
      this.headers.set(key, header);
    }
    return header;
  }

  private fitHeader(context: readonly string[]): string {
    const { path, comment } = this.file;
    const format = (lines: string[]) => lines.map((line) => (comment ? `${comment} ${line}` : line)).join('\n');
    const fits = (lines: string[]) => this.tokens(format(lines)) <= this.maxTokens / 2;
    const kept = [...context];
    while (kept.length > 0 && !fits([`path: ${path}`, ...kept])) kept.shift();
    const pathLine = fits([`path: ${path}`, ...kept]) ? `path: ${path}` : `path: …${path.slice(-24)}`;
    return format([pathLine, ...kept]);
  }
}

/**
 * Greedy grouping of neighbours in order: each group stays within `limit` (asked of the group's
 * first member, whose header the group gets). A member of at least half the limit starts a group
 * of its own, so a sizeable declaration keeps its own chunk; only loose members (statements that
 * declare nothing, like `module.exports = Foo;`) may join it after it. A member over the limit
 * stays alone, for the caller to split.
 */
export function groupNeighbours<T>(
  items: readonly T[],
  size: (item: T) => number,
  limit: (first: T) => number,
  loose: (item: T) => boolean = () => false,
): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let currentSize = 0;
  let startedBig = false;
  for (const item of items) {
    const itemSize = size(item);
    const big = itemSize >= limit(item) / 2;
    const joins =
      current.length > 0 && !big && currentSize + itemSize <= limit(current[0]) && (!startedBig || loose(item));
    if (!joins) {
      if (current.length > 0) groups.push(current);
      current = [];
      currentSize = 0;
      startedBig = big;
    }
    current.push(item);
    currentSize += itemSize;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
