import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunking/chunk';
import { wholeUnits } from '../../src/core/retrieval/units';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { makeTempDir } from '../support/temp-dir';

const identity = { embeddingModel: 'test/model', dimension: 2, chunkerVersion: 'c1' };

/** A piece of a split declaration: a header, then lines `code N` for each line N it covers. */
function piece(startLine: number, endLine: number, symbol: string): Chunk {
  const code = Array.from({ length: endLine - startLine + 1 }, (_, i) => `code ${startLine + i}`);
  const text = [`# path: big.py`, `# in: def ${symbol}():`, ...code].join('\n');
  return {
    id: `big.py:${startLine}`,
    path: 'big.py',
    language: 'python',
    startLine,
    endLine,
    symbol,
    contentHash: createHash('sha256').update(text).digest('hex'),
    text,
  };
}

describe('wholeUnits (small-to-big)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: ChunkStore;
  const pieces = [piece(1, 10, 'run'), piece(11, 20, 'run'), piece(21, 30, 'run'), piece(31, 40, 'stop')];
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    ({ store } = await ChunkStore.openForWrite(dir, identity));
    await store.replaceFiles(
      [{ path: 'big.py', size: 1, mtime_ms: 1, content_hash: 'h', chunk_count: pieces.length, language: 'python' }],
      pieces.map((chunk) => ({ chunk, vector: Float32Array.from([1, 0]) })),
    );
    await store.finishWrite();
  });
  afterEach(async () => {
    store.close();
    await cleanup();
  });
  const lines = (text: string) => text.split('\n').length;

  it('hands over the whole declaration a retrieved piece belongs to, once for several of its pieces', async () => {
    const expanded = await wholeUnits(store, [pieces[1], pieces[0]], { maxTokens: 1000, countTokens: lines });
    expect(expanded.map((c) => `${c.startLine}-${c.endLine} ${c.symbol}`)).toEqual(['1-30 run']);
    expect(expanded[0].text.split('\n').slice(2)).toEqual(Array.from({ length: 30 }, (_, i) => `code ${i + 1}`));
  });

  it('grows a piece only as far as the budget allows, and never into another declaration', async () => {
    const expanded = await wholeUnits(store, [pieces[1], pieces[3]], { maxTokens: 24, countTokens: lines });
    expect(expanded.map((c) => `${c.startLine}-${c.endLine} ${c.symbol}`)).toEqual(['1-20 run', '31-40 stop']);
  });
});
