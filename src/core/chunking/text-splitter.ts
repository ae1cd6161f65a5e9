import type { TokenBudget } from './budget';
import type { Piece, PieceLabel } from './pieces';

/** The smallest unit the splitter moves: a line, or a word (or a slice of one) of a line too long to keep whole. */
interface Atom {
  row: number;
  text: string;
  tokens: number;
  /** How good a place to cut before this atom is: 2 a new paragraph, 1 a new line, 0 inside a line. */
  boundary: 0 | 1 | 2;
}

export interface SplitOptions {
  /** Tokens of content each piece may hold. */
  budget: number;
  /** Tokens of the previous piece's last lines to repeat at the start of the next one. */
  overlap: number;
  label: PieceLabel;
  /** Header lines for every piece after the first, e.g. the signature of a function split by lines. */
  laterContext?: readonly string[];
}

/**
 * Splits rows from..to into pieces of at most `budget` tokens: at blank lines where that leaves
 * pieces at least half full, else at line ends, and only inside a line (between words, or inside
 * a word as a last resort) when a single line is over budget.
 */
export function splitRows(budget: TokenBudget, from: number, to: number, options: SplitOptions): Piece[] {
  const atoms = atomsOf(budget, from, to, options.budget);
  const sums = new Float64Array(atoms.length + 1);
  for (const [i, atom] of atoms.entries()) sums[i + 1] = sums[i] + atom.tokens;
  const tokens = (start: number, end: number) => sums[end] - sums[start];

  const pieces: Piece[] = [];
  let start = 0;
  while (start < atoms.length) {
    let end = start + 1;
    while (end < atoms.length && tokens(start, end + 1) <= options.budget) end++;
    const cut = end === atoms.length ? end : bestCut(atoms, start, end, (p) => tokens(start, p) >= options.budget / 2);
    const label =
      pieces.length === 0
        ? options.label
        : { ...options.label, context: options.laterContext ?? options.label.context };
    const piece = atomsPiece(atoms.slice(start, cut), label);
    if (piece) pieces.push(piece);
    start = cut < atoms.length ? overlapStart(atoms, start, cut, tokens, options) : cut;
  }
  return pieces;
}

function atomsOf(budget: TokenBudget, from: number, to: number, limit: number): Atom[] {
  const atoms: Atom[] = [];
  let afterBlank = true;
  for (let row = from; row <= to; row++) {
    const line = budget.lines[row];
    if (line.trim() === '') {
      atoms.push({ row, text: '', tokens: 0, boundary: 2 });
      afterBlank = true;
      continue;
    }
    const boundary = afterBlank ? 2 : 1;
    afterBlank = false;
    const tokens = budget.rows(row, row);
    if (tokens <= limit) atoms.push({ row, text: line, tokens, boundary });
    else atoms.push(...lineParts(budget, row, line, limit, boundary));
  }
  return atoms;
}

/** A line over budget, as words (each with the space after it), and words over budget as slices. */
function lineParts(budget: TokenBudget, row: number, line: string, limit: number, boundary: 1 | 2): Atom[] {
  const parts = (line.match(/\s*\S+\s*/g) ?? []).flatMap((word) => {
    const tokens = budget.tokens(word);
    if (tokens <= limit) return [{ text: word, tokens }];
    // Slices sized to fit with room to spare; the final check in pieces.ts halves any that do not.
    const count = Math.ceil((tokens * 1.25) / limit);
    const length = Math.ceil(word.length / count);
    return Array.from({ length: count }, (_, i) => word.slice(i * length, (i + 1) * length))
      .filter((slice) => slice !== '')
      .map((slice) => ({ text: slice, tokens: budget.tokens(slice) }));
  });
  return parts.map((part, i) => ({ row, ...part, boundary: i === 0 ? boundary : 0 }));
}

/** The last paragraph break, else line break, that keeps the piece at least half full; else `end`. */
function bestCut(atoms: readonly Atom[], start: number, end: number, halfFull: (cut: number) => boolean): number {
  for (const level of [2, 1] as const) {
    for (let p = end; p > start && halfFull(p); p--) {
      if (atoms[p].boundary >= level) return p;
    }
  }
  return end;
}

/** Where the next piece starts: some whole lines before the cut, if the next atom still fits after them. */
function overlapStart(
  atoms: readonly Atom[],
  start: number,
  cut: number,
  tokens: (start: number, end: number) => number,
  options: SplitOptions,
): number {
  let next = cut;
  while (next - 1 > start && tokens(next - 1, cut) <= options.overlap) next--;
  while (next < cut && atoms[next].boundary === 0) next++;
  return tokens(next, cut + 1) <= options.budget ? next : cut;
}

function atomsPiece(atoms: Atom[], label: PieceLabel): Piece | undefined {
  const content = atoms.filter((atom) => atom.text.trim() !== '');
  if (content.length === 0) return undefined;
  const first = atoms.indexOf(content[0]);
  const last = atoms.lastIndexOf(content[content.length - 1]);
  let text = '';
  for (let i = first; i <= last; i++) {
    if (i > first && atoms[i].row !== atoms[i - 1].row) text += '\n';
    text += atoms[i].text;
  }
  return { ...label, startRow: atoms[first].row, endRow: atoms[last].row, text: text.trimEnd() };
}
