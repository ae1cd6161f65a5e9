import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkFile } from '../../src/core/chunking';
import type { TokenCounter } from '../../src/core/chunking/chunk';
import { expectWellFormed, realCounter, repoRoot } from './helpers';

let counter: TokenCounter;

beforeAll(async () => {
  counter = await realCounter();
});

function read(file: string, maxLines?: number): string {
  const text = readFileSync(path.join(repoRoot, 'node_modules', file), 'utf8');
  return maxLines === undefined ? text : text.split('\n').slice(0, maxLines).join('\n');
}

/** Real files of every shape: declarations files, compiled JavaScript, C, prose, and one 110 kB line of CSS. */
describe('chunkFile on real files', () => {
  it.each([
    ['typescript/lib/lib.dom.d.ts', 3000],
    ['@lancedb/lancedb/dist/table.js', undefined],
    ['web-tree-sitter/lib/parser.c', undefined],
    ['web-tree-sitter/README.md', undefined],
    ['playwright-core/lib/vite/traceViewer/defaultSettingsView.TQ8_7ybu.css', undefined],
  ])('%s: every chunk fits the model and every line is covered', async (file, maxLines) => {
    const text = read(file, maxLines);
    const chunks = await chunkFile({ path: `node_modules/${file}`, text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
  });

  it('finds the declarations of a real declarations file', async () => {
    const text = read('typescript/lib/lib.dom.d.ts', 3000);
    const chunks = await chunkFile({ path: 'lib.dom.d.ts', text }, { tokenCounter: counter });
    const symbols = chunks.flatMap((chunk) => chunk.symbol?.split(', ') ?? []);
    expect(symbols).toEqual(expect.arrayContaining(['AddEventListenerOptions', 'MutationObserverInit', 'AbortSignal', 'ARIAMixin.ariaBusy']));
    expect(chunks.filter((chunk) => chunk.kind === 'text')).toEqual([]);
  });

  it('keeps every chunk within the limit for a tokenizer that also counts line breaks', async () => {
    // Byte-level BPE tokenizers spend tokens on newlines, so a chunk costs more than its lines
    // counted one by one: the final check must catch every chunk the estimate lets through.
    const newlineCounting: TokenCounter = {
      maxTokens: counter.maxTokens,
      count: (text) => counter.count(text) + (text.match(/\n/g)?.length ?? 0),
    };
    const text = read('@lancedb/lancedb/dist/table.js');
    const chunks = await chunkFile({ path: 'table.js', text }, { tokenCounter: newlineCounting });
    expectWellFormed(text, chunks, newlineCounting);
  });
});
