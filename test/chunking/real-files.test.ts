import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkFile } from '../../src/core/chunking';
import type { TokenCounter } from '../../src/core/chunking/chunk';
import { expectWellFormed, isBareSignature, outline, realCounter, repoRoot } from './helpers';

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
    expect(symbols).toEqual(
      expect.arrayContaining(['AddEventListenerOptions', 'MutationObserverInit', 'AbortSignal', 'ARIAMixin.ariaBusy']),
    );
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

/**
 * Real source folders with long classes and functions: Python's standard library and TypeScript and JavaScript
 * packages.
 */
const SOURCE_FOLDERS = [
  ['/usr/lib/python3.11/email', /\.py$/],
  ['/usr/lib/python3.11/http', /\.py$/],
  ['/usr/lib/python3.11/logging', /\.py$/],
  [path.join(repoRoot, 'node_modules/apache-arrow/src'), /\.ts$/],
  [path.join(repoRoot, 'node_modules/openai/src/lib'), /\.ts$/],
  [path.join(repoRoot, 'node_modules/@huggingface/transformers/src/generation'), /\.js$/],
] as const;

describe('chunk shape on real source files', () => {
  const folders = SOURCE_FOLDERS.filter(([folder]) => existsSync(folder));

  it('leaves no chunk that is a bare signature, and labels every piece of a split declaration', async () => {
    // Python's standard library is part of this machine's image; the packages come with npm ci.
    expect(folders.length).toBeGreaterThanOrEqual(4);
    let total = 0;
    const bare: string[] = [];
    for (const [folder, pattern] of folders) {
      for (const name of readdirSync(folder).filter((file) => pattern.test(file) && !file.endsWith('.d.ts'))) {
        const text = readFileSync(path.join(folder, name), 'utf8');
        const chunks = await chunkFile({ path: path.join(folder, name), text }, { tokenCounter: counter });
        total += chunks.length;
        bare.push(...chunks.filter(isBareSignature).map((chunk) => `${chunk.path}:${chunk.startLine}`));
      }
    }
    expect(total).toBeGreaterThan(1000);
    expect(bare).toEqual([]);
  });

  it('puts the signature of a split declaration with its first member, and names every later piece by it', async () => {
    const stage = (i: number, j: number) =>
      `        value = self.transform_${j}(value, "stage ${i} of the long pipeline")`;
    const methods = Array.from(
      { length: 6 },
      (_, i) => `    def step_${i}(self, value):
${Array.from({ length: 12 }, (_, j) => stage(i, j)).join('\n')}
        return value
`,
    );
    const text = `class Pipeline(Base):
${methods.join('\n')}`;
    const chunks = await chunkFile({ path: 'pipeline.py', text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    expect(chunks.filter(isBareSignature)).toEqual([]);
    expect(outline(chunks)[0]).toMatch(/^1-\d+ (class Pipeline|method Pipeline.step_0)$/);
    expect(chunks[0].text.split('\n').slice(1, 3)).toEqual(['class Pipeline(Base):', '    def step_0(self, value):']);
    for (const chunk of chunks.slice(1)) expect(chunk.text.split('\n')[1]).toBe('# in: class Pipeline(Base):');
  });
});
