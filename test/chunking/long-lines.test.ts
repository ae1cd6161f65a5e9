import { beforeAll, describe, expect, it } from 'vitest';
import { chunkFile } from '../../src/core/chunking';
import type { TokenCounter } from '../../src/core/chunking/chunk';
import { contentOf, realCounter } from './helpers';

/** Every chunk inside the model's window, in tokens and in characters; together they hold the whole line. */
async function expectFits(path: string, text: string, counter: TokenCounter): Promise<void> {
  const chunks = await chunkFile({ path, text }, { tokenCounter: counter });
  expect(chunks.length).toBeGreaterThan(1);
  for (const chunk of chunks) {
    expect(counter.count(chunk.text)).toBeLessThanOrEqual(counter.maxTokens);
    // A window of 256 tokens is about 1 kB of code; no chunk is the 100 kB line.
    expect(chunk.text.length).toBeLessThanOrEqual(counter.maxTokens * 8);
  }
  expect(chunks.map(contentOf).join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
}

describe('chunks always fit the embedding window, however long the lines', () => {
  let counter: TokenCounter;
  beforeAll(async () => {
    counter = await realCounter();
  });

  it('splits a 100,000-character line with no spaces (one word-piece [UNK] to the tokenizer)', async () => {
    await expectFits('src/blob.ts', `const data = "${'abcdefghij'.repeat(10_000)}";\n`, counter);
  });

  it('splits a 100,000-character line of words, and one of short tokens', async () => {
    await expectFits('notes.txt', `${'word '.repeat(20_000)}\n`, counter);
    await expectFits(
      'src/table.py',
      `TABLE = [${Array.from({ length: 20_000 }, (_, i) => i % 10).join(',')}]\n`,
      counter,
    );
  });
});
