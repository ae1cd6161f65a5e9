import { createHash } from 'node:crypto';
import type { Chunk } from './chunk';
import type { TokenBudget } from './budget';
import type { Definition } from './syntax';

/** What a chunk says about where it sits: its header context, symbol and kind. */
export interface PieceLabel {
  /** Header lines after the path, e.g. "in: class Foo {" or "section: Install > Linux". */
  context: readonly string[];
  symbol?: string;
  kind?: string;
}

/** A stretch of a file chosen to become one chunk, before its header is added. */
export interface Piece extends PieceLabel {
  /** 0-based, inclusive. */
  startRow: number;
  endRow: number;
  /** The source, one text line per row; the first and last may be parts of a line too long to keep whole. */
  text: string;
}

/** Rows from..to as a piece, without blank rows at either end; undefined if all are blank. */
export function rowsPiece(lines: readonly string[], from: number, to: number, label: PieceLabel): Piece | undefined {
  return linesPiece(lines.slice(from, to + 1), from, label);
}

/** Consecutive text lines, the first at startRow, as a piece without blank lines at either end. */
function linesPiece(lines: readonly string[], startRow: number, label: PieceLabel): Piece | undefined {
  let first = 0;
  let last = lines.length - 1;
  while (first <= last && lines[first].trim() === '') first++;
  while (last >= first && lines[last].trim() === '') last--;
  if (first > last) return undefined;
  return {
    ...label,
    startRow: startRow + first,
    endRow: startRow + last,
    text: lines.slice(first, last + 1).join('\n'),
  };
}

/** A short, single-line form of a source line for headers and symbols. */
export function clip(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * Turns pieces into chunks: adds the header, checks the size with the real tokenizer and halves
 * any piece that is still too long, so nothing the model reads is ever cut off. Ids depend on the
 * content, not the position, so a declaration keeps its id when code above it moves.
 */
export function toChunks(
  pieces: readonly Piece[],
  file: { path: string; language: string; definitions?: readonly Definition[] },
  budget: TokenBudget,
): Chunk[] {
  const seen = new Map<string, number>();
  return pieces.flatMap((piece) => {
    const header = budget.header(piece.context);
    return fitPiece(piece, header, budget).map((fitted) => {
      const text = `${header}\n${fitted.text}`;
      const contentHash = sha256(text);
      const key = JSON.stringify([file.path, fitted.symbol ?? '', fitted.kind ?? '', contentHash]);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      const chunk: Chunk = {
        id: sha256(`${key}#${occurrence}`).slice(0, 32),
        path: file.path,
        language: file.language,
        startLine: fitted.startRow + 1,
        endLine: fitted.endRow + 1,
        symbol: fitted.symbol,
        kind: fitted.kind,
        contentHash,
        text,
      };
      if (file.definitions)
        chunk.definitions = [
          ...new Set(
            file.definitions.filter((d) => d.row >= fitted.startRow && d.row <= fitted.endRow).map((d) => d.name),
          ),
        ];
      return chunk;
    });
  });
}

/**
 * Characters a chunk may hold per token of the model's window. Word-piece tokenizers read a word of
 * more than 100 characters as one [UNK], so a 100,000-character line counts as a handful of tokens
 * and would pass as one 100 kB chunk. Code averages 3–4 characters a token: 8 leaves it alone.
 */
const MAX_CHARS_PER_TOKEN = 8;

function fitPiece(piece: Piece, header: string, budget: TokenBudget): Piece[] {
  const text = `${header}\n${piece.text}`;
  if (text.length <= budget.maxTokens * MAX_CHARS_PER_TOKEN && budget.counter.count(text) <= budget.maxTokens)
    return [piece];
  const halves = halve(piece);
  // Only a single character cannot be halved, and the header always leaves room for one.
  return halves[0] === piece ? halves : halves.flatMap((half) => fitPiece(half, header, budget));
}

/** Two halves by rows, or, for a single row, at the space nearest the middle. */
function halve(piece: Piece): Piece[] {
  const lines = piece.text.split('\n');
  if (lines.length > 1) {
    const middle = Math.floor(lines.length / 2);
    return [
      linesPiece(lines.slice(0, middle), piece.startRow, piece),
      linesPiece(lines.slice(middle), piece.startRow + middle, piece),
    ].filter((half): half is Piece => half !== undefined);
  }
  const cut = cutPoint(piece.text);
  if (cut <= 0 || cut >= piece.text.length) return [piece];
  return [
    { ...piece, text: piece.text.slice(0, cut) },
    { ...piece, text: piece.text.slice(cut) },
  ].filter((half) => half.text.trim() !== '');
}

/** The space nearest the middle; else the middle itself, never inside a surrogate pair. */
function cutPoint(text: string): number {
  const middle = Math.floor(text.length / 2);
  const before = text.lastIndexOf(' ', middle);
  const after = text.indexOf(' ', middle);
  const candidates = [before, after].filter((index) => index > 0 && index < text.length - 1);
  if (candidates.length > 0) {
    return candidates.reduce((best, index) => (Math.abs(index - middle) < Math.abs(best - middle) ? index : best));
  }
  const code = text.charCodeAt(middle);
  return code >= 0xdc00 && code <= 0xdfff ? middle + 1 : middle;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
