import type { Chunk } from '../chunking/chunk';
import type { ScoredChunk } from '../store/chunk-store';
import type { SearchableStore } from '../store/layered-store';
import { definitionKeys } from '../store/search-text';
import type { QuestionSignals } from './question';

/** Most chunks one question's names or files pull in. */
const SIGNAL_DEPTH = 200;
/** A plain word counts as a name only when at most this many chunks define it (`parseaddr`, not `get`). */
const RARE_DEFINITION = 3;
/** A name written as code counts when at most this many chunks define it. */
const SPECIFIC_DEFINITION = 12;

/**
 * The chunks defining the names a question mentions, best first: a name written as code before a
 * plain word, the full qualified name before its last part, a rarely defined name before a common
 * one, and a definition in a file the qualifier names (`utils.parseaddr` in utils.py) before others.
 */
export async function definitionHits(store: SearchableStore, signals: QuestionSignals): Promise<ScoredChunk[]> {
  const names = [...signals.codeNames, ...signals.plainNames];
  if (names.length === 0) return [];
  const hits = await store.searchDefinitions(names, SIGNAL_DEPTH);
  const definers = new Map<string, number>();
  for (const hit of hits) for (const key of hit.matched) definers.set(key, (definers.get(key) ?? 0) + 1);
  const code = new Set(definitionKeys(signals.codeNames));
  const full = new Set(names.map((name) => name.toLowerCase()));
  const qualifiers = new Set(
    names.flatMap((name) => {
      const parts = name.toLowerCase().split('.');
      return parts.slice(0, -1);
    }),
  );
  const scored = hits.flatMap(({ chunk, matched }) => {
    let score = 0;
    for (const key of matched) {
      const count = definers.get(key) ?? 1;
      const isCode = code.has(key);
      if (count > (isCode ? SPECIFIC_DEFINITION : RARE_DEFINITION)) continue;
      const strength = (isCode ? 2 : 1) * (full.has(key) && key.includes('.') ? 2 : 1);
      score = Math.max(score, strength / count);
    }
    if (score === 0) return [];
    if (qualifiers.size > 0 && [...qualifiers].some((q) => fileStem(chunk.path) === q)) score *= 2;
    return [{ chunk, score }];
  });
  return scored.sort(
    (a, b) => b.score - a.score || a.chunk.path.localeCompare(b.chunk.path) || a.chunk.startLine - b.chunk.startLine,
  );
}

/**
 * The chunks of files the question names, best first: chunks holding a line a stack-trace frame
 * names, then the rest of a named file; the last frame (where an error was raised) first.
 */
export async function pathHits(store: SearchableStore, signals: QuestionSignals): Promise<ScoredChunk[]> {
  if (signals.files.length === 0) return [];
  const tails = [...new Set(signals.files.map((file) => file.tail))];
  const chunks = await store.searchPaths(tails, SIGNAL_DEPTH);
  const scored = chunks.map((chunk) => ({ chunk, score: pathScore(chunk, signals) }));
  return scored
    .filter((hit) => hit.score > 0)
    .sort(
      (a, b) => b.score - a.score || a.chunk.path.localeCompare(b.chunk.path) || a.chunk.startLine - b.chunk.startLine,
    );
}

function pathScore(chunk: Chunk, signals: QuestionSignals): number {
  let score = 0;
  signals.files.forEach((file, index) => {
    if (!endsWithTail(chunk.path, file.tail)) return;
    const specificity = file.tail.includes('/') ? 2 : 1;
    const onLine = file.line !== undefined && file.line >= chunk.startLine && file.line <= chunk.endLine;
    // Later frames are nearer the error; a named line beats the rest of its file.
    score = Math.max(score, specificity * (onLine ? 10 + index / signals.files.length : 1));
  });
  return score;
}

function endsWithTail(filePath: string, tail: string): boolean {
  return filePath === tail || filePath.endsWith(`/${tail}`);
}

function fileStem(filePath: string): string {
  const name = filePath.slice(filePath.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}
