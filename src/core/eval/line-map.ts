import type { Hunk } from './git-history';

/** Lines of a file, 1-based and inclusive. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

/** Ranges closer than this many lines are one place in the code. */
const MERGE_GAP = 10;

/**
 * Where a change sits in the file on one side of it: `before`, the lines it replaced (a fix's bug);
 * `after`, the lines it wrote. A pure insertion (or deletion) marks the two lines around the point.
 */
export function changedRanges(hunks: readonly Hunk[], side: 'before' | 'after'): LineRange[] {
  const ranges = hunks.map((hunk) => {
    const [start, count] = side === 'before' ? [hunk.oldStart, hunk.oldLines] : [hunk.newStart, hunk.newLines];
    return count > 0
      ? { startLine: start, endLine: start + count - 1 }
      : { startLine: Math.max(1, start), endLine: start + 1 };
  });
  return mergeRanges(ranges);
}

export function mergeRanges(ranges: readonly LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.startLine - b.startLine);
  const merged: LineRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.startLine <= last.endLine + MERGE_GAP) last.endLine = Math.max(last.endLine, range.endLine);
    else merged.push({ ...range });
  }
  return merged;
}

/**
 * Carries a line of a file's old version to its new version through the diff between them
 * (zero-context hunks, old → new); undefined when the diff rewrote that line.
 */
export function mapLine(line: number, hunks: readonly Hunk[]): number | undefined {
  let offset = 0;
  for (const hunk of hunks) {
    // A hunk with no old lines inserts after oldStart; one with old lines replaces from oldStart on.
    const firstTouched = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    if (line < firstTouched) break;
    if (hunk.oldLines > 0 && line < hunk.oldStart + hunk.oldLines) return undefined;
    offset += hunk.newLines - hunk.oldLines;
  }
  return line + offset;
}

/** The part of each range that survives the diff, as one range per input range (dropped when none does). */
export function mapRanges(ranges: readonly LineRange[], hunks: readonly Hunk[]): LineRange[] {
  if (hunks.length === 0) return ranges.map((range) => ({ ...range }));
  return ranges.flatMap((range) => {
    const mapped: number[] = [];
    for (let line = range.startLine; line <= range.endLine; line++) {
      const to = mapLine(line, hunks);
      if (to !== undefined) mapped.push(to);
    }
    return mapped.length === 0 ? [] : [{ startLine: Math.min(...mapped), endLine: Math.max(...mapped) }];
  });
}
