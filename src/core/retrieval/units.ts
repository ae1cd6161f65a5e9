import type { Chunk } from '../chunking/chunk';
import type { SearchableStore } from '../store/layered-store';
import { mergeChunks } from './arrange';

export interface UnitOptions {
  /** The most tokens one expanded result may take. */
  maxTokens: number;
  countTokens: (text: string) => number;
}

/**
 * Small-to-big: retrieval ranks pieces, the prompt gets what they are part of. Each result that is
 * a piece of a split declaration grows into the whole declaration (its neighbouring pieces with the
 * same symbol, or members of it), or as much of it around the piece as fits `maxTokens`. Results
 * that end up covering the same lines are returned once.
 */
export async function wholeUnits(
  store: SearchableStore,
  results: readonly Chunk[],
  options: UnitOptions,
): Promise<Chunk[]> {
  const files = new Map<string, Promise<Chunk[]>>();
  const expanded: Chunk[] = [];
  for (const result of results) {
    if (!result.symbol || result.symbol.includes(', ')) {
      expanded.push(result);
      continue;
    }
    if (!files.has(result.path)) files.set(result.path, store.chunksOfFile(result.path));
    const grown = grow(result, await files.get(result.path)!, options);
    if (
      !expanded.some(
        (other) => other.path === grown.path && other.startLine <= grown.startLine && other.endLine >= grown.endLine,
      )
    ) {
      expanded.push(grown);
    }
  }
  return expanded;
}

/** The piece, then its neighbours in the same declaration, nearest first, while they fit. */
function grow(piece: Chunk, fileChunks: readonly Chunk[], options: UnitOptions): Chunk {
  const inUnit = (chunk: Chunk) =>
    chunk.symbol === piece.symbol || chunk.symbol?.startsWith(`${piece.symbol}.`) === true;
  const index = fileChunks.findIndex((chunk) => chunk.id === piece.id);
  if (index < 0) return piece;
  let unit = piece;
  let before = index - 1;
  let after = index + 1;
  while (true) {
    const next = [fileChunks[before], fileChunks[after]].filter(
      (chunk): chunk is Chunk => chunk !== undefined && inUnit(chunk) && touches(unit, chunk),
    );
    const candidate = next.find((chunk) => options.countTokens(mergeChunks(unit, chunk).text) <= options.maxTokens);
    if (!candidate) return unit;
    unit = mergeChunks(unit, candidate);
    if (candidate === fileChunks[before]) before--;
    else after++;
  }
}

function touches(a: Chunk, b: Chunk): boolean {
  return b.startLine <= a.endLine + 1 && a.startLine <= b.endLine + 1;
}
