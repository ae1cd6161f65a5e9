import type { Chunk } from '../chunking/chunk';
import { type FileKind, fileKind } from './question';
import type { RetrievedChunk } from './types';

/**
 * How much a chunk's fused score counts by the kind of its file, unless the question is about that
 * kind: source answers bug reports and "how / where" questions; tests, docs, translations,
 * templates, changelogs and vendored code match their words without being the answer.
 */
export const KIND_WEIGHTS: Record<FileKind, number> = {
  source: 1,
  test: 0.5,
  docs: 0.5,
  example: 0.6,
  translation: 0.25,
  template: 0.25,
  changelog: 0.25,
  contributing: 0.25,
  vendored: 0.35,
  generated: 0.35,
  config: 0.5,
};

/** At most this many pieces of one declaration among the results. */
export const PIECES_PER_SYMBOL = 2;

/** Scales each candidate's score by its file's kind (kinds the question is about keep theirs), best first again. */
export function weighByFileKind(
  candidates: RetrievedChunk[],
  about: ReadonlySet<FileKind>,
  weights: Record<FileKind, number> = KIND_WEIGHTS,
): RetrievedChunk[] {
  for (const candidate of candidates) {
    const kind = fileKind(candidate.chunk.path);
    if (!about.has(kind)) candidate.score *= weights[kind];
  }
  return candidates.sort((a, b) => b.score - a.score);
}

/**
 * Results with variety: a piece touching a result already taken in the same file joins it (one
 * result for the span), and at most PIECES_PER_SYMBOL pieces of one declaration are taken before
 * every other candidate has had its turn. Nothing is dropped: held-back pieces come last.
 */
export function diversify(candidates: readonly RetrievedChunk[]): RetrievedChunk[] {
  const taken: RetrievedChunk[] = [];
  const held: RetrievedChunk[] = [];
  const perSymbol = new Map<string, number>();
  for (const candidate of candidates) {
    const touching = taken.find((result) => touches(result.chunk, candidate.chunk));
    if (touching) {
      touching.merged = [...(touching.merged ?? []), candidate.chunk];
      touching.chunk = mergeChunks(touching.chunk, candidate.chunk);
      continue;
    }
    const key = `${candidate.chunk.path}#${candidate.chunk.symbol ?? ''}`;
    const count = perSymbol.get(key) ?? 0;
    if (candidate.chunk.symbol !== undefined && count >= PIECES_PER_SYMBOL) {
      held.push(candidate);
      continue;
    }
    perSymbol.set(key, count + 1);
    taken.push(candidate);
  }
  return [...taken, ...held];
}

function touches(a: Chunk, b: Chunk): boolean {
  return a.path === b.path && b.startLine <= a.endLine + 1 && a.startLine <= b.endLine + 1;
}

/**
 * One chunk for the span of two touching ones: the better one's header and identity, the code of
 * both by line (a chunk's code is its last endLine - startLine + 1 lines, below its header).
 */
export function mergeChunks(best: Chunk, other: Chunk): Chunk {
  const lines = new Map<number, string>();
  for (const chunk of [other, best]) {
    const text = chunk.text.split('\n');
    const count = chunk.endLine - chunk.startLine + 1;
    for (const [i, line] of text.slice(Math.max(0, text.length - count)).entries())
      lines.set(chunk.startLine + i, line);
  }
  const startLine = Math.min(best.startLine, other.startLine);
  const endLine = Math.max(best.endLine, other.endLine);
  const bestText = best.text.split('\n');
  const header = bestText.slice(0, Math.max(0, bestText.length - (best.endLine - best.startLine + 1)));
  const code = Array.from({ length: endLine - startLine + 1 }, (_, i) => lines.get(startLine + i) ?? '');
  return { ...best, startLine, endLine, text: [...header, ...code].join('\n') };
}

/** A file's place among the results: its best chunk, and how many of its chunks were found. */
export interface RankedFile {
  path: string;
  kind: FileKind;
  score: number;
  /** The best chunk's lines. */
  startLine: number;
  endLine: number;
  symbol?: string;
  chunks: number;
}

/**
 * Files in order of their best chunk, a little ahead for each further chunk found in them (several
 * hits in one file are more evidence than one), for "which file" questions.
 */
export function rankFiles(candidates: readonly RetrievedChunk[]): RankedFile[] {
  const byPath = new Map<string, RankedFile & { scores: number[] }>();
  for (const candidate of candidates) {
    const { path, startLine, endLine, symbol } = candidate.chunk;
    const file = byPath.get(path);
    if (file) {
      file.scores.push(candidate.score);
      file.chunks++;
      continue;
    }
    byPath.set(path, {
      path,
      kind: fileKind(path),
      score: 0,
      startLine,
      endLine,
      symbol,
      chunks: 1,
      scores: [candidate.score],
    });
  }
  const files = [...byPath.values()].map(({ scores, ...file }) => ({
    ...file,
    // The best chunk counts whole, later ones a tenth each, so one strong chunk beats many weak ones.
    score: scores[0] + 0.1 * scores.slice(1, 4).reduce((sum, score) => sum + score, 0),
  }));
  return files.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
}
