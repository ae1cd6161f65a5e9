import { groupNeighbours, type TokenBudget } from './budget';
import { clip, rowsPiece, type Piece } from './pieces';
import { splitRows } from './text-splitter';

/** A heading and the rows up to the next heading; the rows before the first heading have no title. */
interface Section {
  startRow: number;
  endRow: number;
  /** Titles from the top-level heading down to this one. */
  titles: string[];
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits markdown at its headings; each chunk's header names the section path ("Install > Linux").
 * Small neighbouring sections share a chunk; a section too large for one is split as text, with overlap.
 */
export function chunkMarkdown(budget: TokenBudget, overlapShare: number): Piece[] {
  const sections = sectionsOf(budget.lines);
  const contextOf = (section: Section) => (section.titles.length > 0 ? [`section: ${section.titles.join(' > ')}`] : []);
  const limit = (section: Section) => budget.contentBudget(contextOf(section));
  const size = (section: Section) => budget.rows(section.startRow, section.endRow);

  return groupNeighbours(sections, size, limit).flatMap((group) => {
    const [first] = group;
    const last = group[group.length - 1];
    const label = { context: contextOf(first), symbol: symbolOf(group), kind: 'section' };
    if (group.length === 1 && size(first) > limit(first)) {
      const pieceBudget = limit(first);
      return splitRows(budget, first.startRow, first.endRow, {
        budget: pieceBudget,
        overlap: Math.floor(pieceBudget * overlapShare),
        label,
      });
    }
    const piece = rowsPiece(budget.lines, first.startRow, last.endRow, label);
    return piece ? [piece] : [];
  });
}

function symbolOf(group: Section[]): string | undefined {
  const paths = group.filter((section) => section.titles.length > 0).map((section) => section.titles.join(' > '));
  return paths.length > 0 ? paths.join(', ') : undefined;
}

function sectionsOf(lines: readonly string[]): Section[] {
  const sections: Section[] = [{ startRow: 0, endRow: lines.length - 1, titles: [] }];
  const open: Array<{ level: number; title: string }> = [];
  const startSection = (row: number, level: number, title: string) => {
    while (open.length > 0 && open[open.length - 1].level >= level) open.pop();
    open.push({ level, title: clip(title, 80) });
    sections[sections.length - 1].endRow = row - 1;
    sections.push({ startRow: row, endRow: lines.length - 1, titles: open.map((heading) => heading.title) });
  };

  let fence: string | undefined;
  for (let row = frontMatterEnd(lines) + 1; row < lines.length; row++) {
    const line = lines[row];
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      startSection(row, atx[1].length, atx[2] ?? '');
      continue;
    }
    const underline = row + 1 < lines.length ? SETEXT_UNDERLINE.exec(lines[row + 1]) : null;
    if (underline && line.trim() !== '' && isParagraphStart(lines, row)) {
      startSection(row, underline[1][0] === '=' ? 1 : 2, line.trim());
      row++;
    }
  }
  return sections.filter((section) => section.startRow <= section.endRow);
}

/** A setext heading is a one-line paragraph: the line above must be blank (or the start). */
function isParagraphStart(lines: readonly string[], row: number): boolean {
  return row === 0 || lines[row - 1].trim() === '';
}

/** YAML front matter (`---` ... `---` at the very top) is not a heading; returns its last row, or -1. */
function frontMatterEnd(lines: readonly string[]): number {
  if (lines[0]?.trim() !== '---') return -1;
  const close = lines.findIndex((line, row) => row > 0 && (line.trim() === '---' || line.trim() === '...'));
  return close;
}
