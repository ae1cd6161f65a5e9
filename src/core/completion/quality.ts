import { throwIfCancelled } from '../errors';
import type { OllamaClient } from '../ollama';
import type { KeywordIndex } from './keyword-index';
import type { QualityCase } from './quality-cases';
import { CompletionSession } from './session';

export interface QualityOptions {
  cases: readonly QualityCase[];
  ollama: OllamaClient;
  model: string;
  /** Folder with the tree-sitter grammars, when not in node_modules. */
  wasmDir?: string;
  /** The held-out repository's index, for the run with context. */
  index: KeywordIndex;
  signal?: AbortSignal;
}

export interface QualityScores {
  cases: number;
  /** Share of cases whose suggestion is the original body, exactly (trailing whitespace aside). */
  exactMatch: number;
  /** Mean of 1 - (Levenshtein distance / length of the longer text), 0 to 1. */
  editSimilarity: number;
  /** Share of cases with no suggestion at all. */
  empty: number;
  /** Mean context items per prompt. */
  contextItems: number;
}

export interface QualityReport {
  withContext: QualityScores;
  withoutContext: QualityScores;
}

/**
 * Completion quality on held-out code: function bodies of a repository not used for tuning are
 * blanked out (heldOutCases) and the model writes them back, once with repository context and once
 * with the current file alone. Against the stand-in server this checks the mechanics; the numbers
 * mean something with a real model, e.g. `REPOSAGE_QUALITY_OLLAMA=http://127.0.0.1:11434 npm run
 * bench -- completion-quality` (see test/bench/completion-bench.ts).
 *
 * The held-out function's own chunk is in the index, but never reaches the prompt: completion
 * leaves chunks of the current file out of its context.
 */
export async function evaluateCompletionQuality(options: QualityOptions): Promise<QualityReport> {
  const run = async (index: KeywordIndex | undefined): Promise<QualityScores> => {
    const session = new CompletionSession({
      ollama: options.ollama,
      model: options.model,
      wasmDir: options.wasmDir,
      index,
      debounceMs: 0,
    });
    try {
      const scored: Array<{ exact: number; similarity: number; empty: number; context: number }> = [];
      for (const c of options.cases) {
        throwIfCancelled(options.signal);
        const result = await session.complete(c.request, options.signal);
        const suggestion = result?.completion ?? '';
        scored.push({
          exact: normalize(suggestion) === normalize(c.expected) ? 1 : 0,
          similarity: editSimilarity(normalize(suggestion), normalize(c.expected)),
          empty: suggestion ? 0 : 1,
          context: result?.context.length ?? 0,
        });
      }
      const mean = (pick: (s: (typeof scored)[number]) => number) =>
        scored.length ? scored.reduce((sum, s) => sum + pick(s), 0) / scored.length : 0;
      return {
        cases: scored.length,
        exactMatch: mean((s) => s.exact),
        editSimilarity: mean((s) => s.similarity),
        empty: mean((s) => s.empty),
        contextItems: mean((s) => s.context),
      };
    } finally {
      session.dispose();
    }
  };
  return { withContext: await run(options.index), withoutContext: await run(undefined) };
}

/** 1 for equal texts, 0 for texts with nothing in common. */
export function editSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - levenshtein(a, b) / longer;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function normalize(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}
