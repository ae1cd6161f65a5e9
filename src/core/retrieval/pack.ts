import type { Chunk } from '../chunking/chunk';

/** One numbered piece of context for the chat model, citable as [n] path:startLine-endLine. */
export interface ContextBlock {
  n: number;
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The code of lines startLine..endLine, without the chunker's header. */
  text: string;
  /** The chunks this block was made from. */
  chunkIds: string[];
}

export interface PackOptions {
  /** The most tokens the blocks' text may take together. */
  budgetTokens: number;
  /** Tokens in a text; default: characters / 4, rounded up. */
  countTokens?: (text: string) => number;
}

export interface PackResult {
  blocks: ContextBlock[];
  /** Tokens the blocks take, by countTokens. */
  tokens: number;
  /** Chunks left out because they repeat code already packed. */
  duplicates: number;
  /** Chunks left out because they did not fit the budget. */
  overBudget: number;
}

/** Two chunks sharing this share of their distinct lines say the same thing (copied files, generated twins). */
const NEAR_DUPLICATE = 0.85;

const estimateTokens = (text: string) => Math.ceil(text.length / 4);

interface OpenBlock {
  path: string;
  lines: Map<number, string>;
  startLine: number;
  endLine: number;
  chunkIds: string[];
  tokens: number;
}

/**
 * Turns retrieved chunks (best first) into context blocks: chunks that overlap or touch in one file
 * become one block, chunks repeating code already taken are dropped, and blocks are added best
 * first while they fit the budget. Blocks keep the order of their best chunk.
 */
export function packContext(chunks: readonly Chunk[], options: PackOptions): PackResult {
  const count = options.countTokens ?? estimateTokens;
  const blocks: OpenBlock[] = [];
  const taken: Array<Set<string>> = [];
  let tokens = 0;
  let duplicates = 0;
  let overBudget = 0;

  for (const chunk of chunks) {
    const lines = codeLines(chunk);
    const touching = blocks.filter(
      (b) => b.path === chunk.path && chunk.startLine <= b.endLine + 1 && b.startLine <= chunk.endLine + 1,
    );
    if (touching.length === 0 && isNearDuplicate(lines, taken)) {
      duplicates++;
      continue;
    }
    if (touching.length > 0 && [...lines.keys()].every((line) => touching.some((b) => b.lines.has(line)))) {
      duplicates++;
      continue;
    }
    // The block this chunk would make, absorbing every block it touches.
    const merged = mergeBlocks(chunk, lines, touching);
    merged.tokens = count(blockText(merged));
    const added = merged.tokens - touching.reduce((sum, b) => sum + b.tokens, 0);
    if (tokens + added > options.budgetTokens) {
      overBudget++;
      continue;
    }
    tokens += added;
    taken.push(distinctLines(lines));
    const first = touching.length > 0 ? blocks.indexOf(touching[0]) : blocks.length;
    const rest = blocks.filter((b) => !touching.includes(b));
    rest.splice(Math.min(first, rest.length), 0, merged);
    blocks.splice(0, blocks.length, ...rest);
  }

  return {
    blocks: blocks.map((b, i) => ({
      n: i + 1,
      path: b.path,
      startLine: b.startLine,
      endLine: b.endLine,
      text: blockText(b),
      chunkIds: b.chunkIds,
    })),
    tokens,
    duplicates,
    overBudget,
  };
}

/**
 * The chunk's code by line number. The chunker puts a header above the code, and the code is the
 * lines startLine..endLine exactly, so the code is the text's last (endLine - startLine + 1) lines.
 */
function codeLines(chunk: Chunk): Map<number, string> {
  const all = chunk.text.split('\n');
  const count = chunk.endLine - chunk.startLine + 1;
  const code = all.slice(Math.max(0, all.length - count));
  return new Map(code.map((line, i) => [chunk.startLine + i, line]));
}

function mergeBlocks(chunk: Chunk, lines: Map<number, string>, touching: OpenBlock[]): OpenBlock {
  const merged: OpenBlock = {
    path: chunk.path,
    lines: new Map(),
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    chunkIds: [],
    tokens: 0,
  };
  for (const block of touching) {
    for (const [line, text] of block.lines) merged.lines.set(line, text);
    merged.startLine = Math.min(merged.startLine, block.startLine);
    merged.endLine = Math.max(merged.endLine, block.endLine);
    merged.chunkIds.push(...block.chunkIds);
  }
  for (const [line, text] of lines) if (!merged.lines.has(line)) merged.lines.set(line, text);
  merged.chunkIds.push(chunk.id);
  return merged;
}

function blockText(block: OpenBlock): string {
  const out: string[] = [];
  for (let line = block.startLine; line <= block.endLine; line++) out.push(block.lines.get(line) ?? '');
  return out.join('\n');
}

function distinctLines(lines: Map<number, string>): Set<string> {
  return new Set([...lines.values()].map((line) => line.trim()).filter((line) => line.length > 0));
}

function isNearDuplicate(lines: Map<number, string>, taken: ReadonlyArray<Set<string>>): boolean {
  const mine = distinctLines(lines);
  if (mine.size === 0) return false;
  return taken.some((other) => {
    let shared = 0;
    for (const line of mine) if (other.has(line)) shared++;
    return shared / (mine.size + other.size - shared) >= NEAR_DUPLICATE;
  });
}
