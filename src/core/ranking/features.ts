import { isMarkdown, languageForPath, PLAIN_TEXT } from '../languages/registry';
import { isTestPath } from '../eval/fix-commits';
import type { RetrievedChunk } from '../retrieval/types';
import { splitIdentifier } from '../store/search-text';

/**
 * What the learned ranker sees of one candidate: cheap facts known after fusion, no model call.
 * The order is the model file's order; add names at the end and retrain.
 */
export const FEATURE_NAMES = [
  'bm25_score_rel',
  'bm25_rr',
  'dense_score',
  'dense_score_gap',
  'dense_rr',
  'fused_rr',
  'in_both',
  'symbol_named',
  'symbol_part_share',
  'file_stem_named',
  'path_part_share',
  'kind_function',
  'kind_class',
  'kind_module',
  'is_test',
  'is_doc',
  'is_code',
  'log_lines',
  'file_candidates',
  'file_best_bm25_rel',
  'file_best_dense',
  'file_best_fused_rr',
  'arranged_rr',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;

interface QueryTerms {
  /** Whole identifiers, lower case, without separators (`parse_config` → parseconfig). */
  names: Set<string>;
  /** Their parts (`parseConfig` → parse, config). */
  parts: Set<string>;
}

function queryTerms(query: string): QueryTerms {
  const names = new Set<string>();
  const parts = new Set<string>();
  for (const [identifier] of query.matchAll(IDENTIFIER)) {
    names.add(identifier.toLowerCase().replace(/[^a-z0-9]/g, ''));
    for (const part of splitIdentifier(identifier)) if (part.length > 1) parts.add(part);
  }
  return { names, parts };
}

function share(words: readonly string[], present: Set<string>): number {
  return words.length === 0 ? 0 : words.filter((word) => present.has(word)).length / words.length;
}

/** One feature vector per candidate, in FEATURE_NAMES order. */
export function candidateFeatures(query: string, candidates: readonly RetrievedChunk[]): number[][] {
  const terms = queryTerms(query);
  const maxBm25 = Math.max(0, ...candidates.map((c) => c.scores.bm25 ?? 0));
  const maxDense = Math.max(0, ...candidates.map((c) => c.scores.dense ?? 0));
  const files = new Map<string, { count: number; bm25: number; dense: number; fused: number }>();
  const reciprocal = (rank: number | undefined) => (rank === undefined ? 0 : 1 / rank);
  for (const { chunk, scores, ranks } of candidates) {
    const file = files.get(chunk.path) ?? { count: 0, bm25: 0, dense: 0, fused: 0 };
    file.count++;
    file.bm25 = Math.max(file.bm25, maxBm25 > 0 ? (scores.bm25 ?? 0) / maxBm25 : 0);
    file.dense = Math.max(file.dense, scores.dense ?? 0);
    file.fused = Math.max(file.fused, reciprocal(ranks.fused));
    files.set(chunk.path, file);
  }
  return candidates.map(({ chunk, scores, ranks }, position) => {
    const file = files.get(chunk.path)!;
    const symbol = chunk.symbol?.split(/[.:#]/).pop() ?? '';
    const symbolParts = splitIdentifier(symbol);
    const segments = chunk.path.split('/');
    const stem = segments[segments.length - 1].replace(/\.[^.]+$/, '');
    const pathParts = segments
      .flatMap((segment) => splitIdentifier(segment.replace(/\.[^.]+$/, '')))
      .filter((part) => part.length > 1);
    const language = languageForPath(chunk.path) ?? PLAIN_TEXT;
    const doc = isMarkdown(language) || language === PLAIN_TEXT || /\.(rst|txt|adoc)$/i.test(chunk.path);
    const kind = chunk.kind ?? '';
    const values: Record<FeatureName, number> = {
      bm25_score_rel: maxBm25 > 0 ? (scores.bm25 ?? 0) / maxBm25 : 0,
      bm25_rr: reciprocal(ranks.bm25),
      dense_score: scores.dense ?? 0,
      dense_score_gap: scores.dense === undefined ? -1 : scores.dense - maxDense,
      dense_rr: reciprocal(ranks.dense),
      fused_rr: reciprocal(ranks.fused),
      in_both: ranks.bm25 !== undefined && ranks.dense !== undefined ? 1 : 0,
      symbol_named: symbol.length > 2 && terms.names.has(symbol.toLowerCase().replace(/[^a-z0-9]/g, '')) ? 1 : 0,
      symbol_part_share: share(symbolParts, terms.parts),
      file_stem_named: stem.length > 2 && terms.names.has(stem.toLowerCase().replace(/[^a-z0-9]/g, '')) ? 1 : 0,
      path_part_share: share(pathParts, terms.parts),
      kind_function: /function|method/.test(kind) ? 1 : 0,
      kind_class: /class|interface|struct|impl|trait|type|enum/.test(kind) ? 1 : 0,
      kind_module: kind === 'module' || kind === 'declarations' ? 1 : 0,
      is_test: isTestPath(chunk.path) ? 1 : 0,
      is_doc: doc ? 1 : 0,
      is_code: !doc && language !== PLAIN_TEXT ? 1 : 0,
      log_lines: Math.log1p(chunk.endLine - chunk.startLine + 1),
      file_candidates: Math.log1p(file.count),
      file_best_bm25_rel: file.bm25,
      file_best_dense: file.dense,
      file_best_fused_rr: file.fused,
      // The order the retriever handed over: fusion, then the file-kind weights and diversity.
      arranged_rr: 1 / (position + 1),
    };
    return FEATURE_NAMES.map((name) => values[name]);
  });
}
