import { throwIfCancelled } from '../errors';
import { TokenBudget } from './budget';
import type { Chunk, TokenCounter } from './chunk';
import { chunkSyntaxTree } from './code-chunker';
import { parseSource } from '../languages/parse';
import { commentFor, grammarFor, isMarkdown, languageForPath, PLAIN_TEXT } from '../languages/registry';
import { chunkMarkdown } from './markdown-chunker';
import { toChunks, type Piece } from './pieces';
import { type Definition, definitionsIn } from './syntax';
import { splitRows } from './text-splitter';

export type { Chunk, TokenCounter } from './chunk';

/**
 * Recorded in the index manifest: an index chunked by another version is rebuilt.
 * Bump it whenever the chunks for the same input change.
 */
export const CHUNKER_VERSION = '3';

export interface ChunkContext {
  /** The embedding model's tokenizer: no chunk's text counts more than its maxTokens. */
  tokenCounter: TokenCounter;
  /** Folder with the tree-sitter-<grammar>.wasm files; defaults to @vscode/tree-sitter-wasm's. */
  wasmDir?: string;
  signal?: AbortSignal;
  /** Share of a text chunk's budget repeated from the end of the previous one. Defaults to 0.15. */
  overlap?: number;
  /** Longer parses are abandoned and the file is split as text. Defaults to 5000. */
  parseTimeoutMs?: number;
}

const DEFAULT_OVERLAP = 0.15;
const DEFAULT_PARSE_TIMEOUT_MS = 5000;

/**
 * Splits one file into chunks the embedding model reads whole. Code is chunked by declaration
 * (tree-sitter), markdown by heading, anything else as text; a file that cannot be parsed is
 * split as text, never dropped. Every non-blank line lands in at least one chunk.
 */
export async function chunkFile(input: { path: string; text: string }, ctx: ChunkContext): Promise<Chunk[]> {
  throwIfCancelled(ctx.signal);
  if (input.text.trim() === '') return [];
  const language = languageForPath(input.path) ?? PLAIN_TEXT;
  const budget = new TokenBudget(ctx.tokenCounter, input.text.split(/\r?\n/), {
    path: input.path,
    comment: commentFor(language),
  });
  const code = await codePieces(language, input.text, budget, ctx);
  const pieces = code?.pieces ?? textPieces(language, budget, ctx.overlap ?? DEFAULT_OVERLAP);
  throwIfCancelled(ctx.signal);
  return toChunks(pieces, { path: input.path, language, definitions: code?.definitions }, budget);
}

async function codePieces(
  language: string,
  text: string,
  budget: TokenBudget,
  ctx: ChunkContext,
): Promise<{ pieces: Piece[]; definitions: Definition[] } | undefined> {
  const grammar = grammarFor(language);
  if (!grammar) return undefined;
  const parsed = await parseSource(text, grammar, {
    wasmDir: ctx.wasmDir,
    timeoutMs: ctx.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS,
  });
  if ('failed' in parsed) return undefined;
  try {
    const pieces = chunkSyntaxTree(parsed.tree, budget);
    return pieces && { pieces, definitions: definitionsIn(parsed.tree.rootNode) };
  } finally {
    parsed.tree.delete();
  }
}

function textPieces(language: string, budget: TokenBudget, overlapShare: number): Piece[] {
  if (isMarkdown(language)) return chunkMarkdown(budget, overlapShare);
  const limit = budget.contentBudget([]);
  return splitRows(budget, 0, budget.lines.length - 1, {
    budget: limit,
    overlap: Math.floor(limit * overlapShare),
    label: { context: [], kind: 'text' },
  });
}
