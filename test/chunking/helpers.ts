import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Chunk, TokenCounter } from '../../src/core/chunking/chunk';
import { createTokenCounter } from '../../src/core/embedding/token-counter';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The genuine all-MiniLM-L6-v2 tokenizer files (no weights needed to count tokens). */
export const sharedModelsDir = path.resolve(repoRoot, '../shared/models');
export const MODEL_ID = 'Xenova/all-MiniLM-L6-v2';

let loaded: Promise<TokenCounter> | undefined;

/** The real tokenizer, loaded once per test file. */
export function realCounter(): Promise<TokenCounter> {
  loaded ??= createTokenCounter({ modelId: MODEL_ID, modelsDir: sharedModelsDir });
  return loaded;
}

/** The real tokenizer with a smaller window, so that small samples already need splitting. */
export function withLimit(counter: TokenCounter, maxTokens: number): TokenCounter {
  return { maxTokens, count: (text) => counter.count(text) };
}

/** `start-end kind symbol` per chunk: easy to compare and to read in a failure. */
export function outline(chunks: readonly Chunk[]): string[] {
  return chunks.map((chunk) => `${chunk.startLine}-${chunk.endLine} ${chunk.kind ?? '-'} ${chunk.symbol ?? '-'}`);
}

const HEADER_LINE = /^(?:\S+ )?(?:path|in|section): /;

/** A chunk's text without its header lines. */
export function contentOf(chunk: Chunk): string {
  const lines = chunk.text.split('\n');
  let first = 0;
  while (first < lines.length && HEADER_LINE.test(lines[first])) first++;
  return lines.slice(first).join('\n');
}

/**
 * What every chunking must satisfy: each chunk fits the model, has a sane range, carries exactly
 * the source of that range (or part of it, for a line too long to keep whole), and together the
 * chunks cover every non-blank line.
 */
export function expectWellFormed(text: string, chunks: readonly Chunk[], counter: TokenCounter): void {
  const lines = text.split(/\r?\n/);
  const covered = new Array<boolean>(lines.length).fill(false);
  for (const chunk of chunks) {
    expect(counter.count(chunk.text), `${chunk.path}:${chunk.startLine}`).toBeLessThanOrEqual(counter.maxTokens);
    expect(chunk.startLine).toBeGreaterThanOrEqual(1);
    expect(chunk.endLine).toBeGreaterThanOrEqual(chunk.startLine);
    expect(chunk.endLine).toBeLessThanOrEqual(lines.length);
    const source = lines.slice(chunk.startLine - 1, chunk.endLine).join('\n');
    const content = contentOf(chunk);
    expect(content.trim(), `${chunk.path}:${chunk.startLine} is empty`).not.toBe('');
    expect(source.includes(content), `${chunk.path}:${chunk.startLine}-${chunk.endLine} differs from the source`).toBe(
      true,
    );
    for (let row = chunk.startLine - 1; row < chunk.endLine; row++) covered[row] = true;
  }
  const missed = lines.map((line, row) => (line.trim() !== '' && !covered[row] ? row + 1 : 0)).filter((row) => row > 0);
  expect(missed, 'lines no chunk covers').toEqual([]);
}

const OPENS_BLOCK = /(\{|:|\bdo)\s*$/;
const COMMENT_OR_DECORATOR = /^\s*(#|\/\/|\/\*|\*|@)/;
const DECLARATION_LINE = new RegExp(
  String.raw`^\s*((export|async|public|private|protected|static|abstract|default|override|get|set)\s+)*(def|` +
    String.raw`class|function\*?|interface|struct|impl|fn|func|enum|trait)\b|^\s*[\w$]+\s*\(.*\)\s*\{$`,
);

/**
 * A chunk that holds a declaration's signature and nothing of its body (`def parse(self, text):`,
 * `export class Foo extends Bar {`), comments and decorators above it aside: what splitting a large
 * declaration used to leave behind.
 */
export function isBareSignature(chunk: Chunk): boolean {
  const lines = contentOf(chunk)
    .split('\n')
    .filter((line) => line.trim() !== '');
  const code = lines.slice(
    Math.max(
      0,
      lines.findIndex((line) => !COMMENT_OR_DECORATOR.test(line)),
    ),
  );
  return (
    code.length > 0 &&
    DECLARATION_LINE.test(code[0]) &&
    code.findIndex((line) => OPENS_BLOCK.test(line)) === code.length - 1
  );
}
