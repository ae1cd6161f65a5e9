import { describe, expect, it } from 'vitest';
import { vectorPercent } from '../../src/core/indexer/coverage';
import { isSearchable, summarize, type IndexState } from '../../src/extension/indexing/index-state';

const ready = (files: number, chunks: number): IndexState => ({
  kind: 'ready',
  files,
  chunks,
  updatedAt: '2025-01-01T00:00:00Z',
});
const indexing = (filesDone: number, filesTotal: number): IndexState => ({
  kind: 'indexing',
  progress: {
    phase: 'embedding',
    filesDone,
    filesTotal,
    chunks: 0,
    skipped: 0,
    keywordReady: true,
    vectors: { ready: filesDone * 10, total: filesTotal * 10 },
  },
});

describe('summarize', () => {
  it('adds up ready folders', () => {
    expect(summarize([ready(3, 40), ready(2, 10)])).toEqual({ kind: 'ready', files: 5, chunks: 50 });
  });

  it('shows progress across folders before anything else', () => {
    expect(summarize([ready(3, 40), indexing(2, 10), { kind: 'error', message: 'x' }, indexing(1, 5)])).toEqual({
      kind: 'indexing',
      filesDone: 3,
      filesTotal: 15,
      keywordReady: true,
      vectors: { ready: 30, total: 150 },
    });
  });

  it('puts an error before a lock, and a lock before a missing index', () => {
    const error: IndexState = { kind: 'error', message: 'Model not found.' };
    const locked: IndexState = { kind: 'locked', message: 'Another window indexes this folder.' };
    expect(summarize([ready(1, 1), locked, error])).toEqual({ kind: 'error', message: 'Model not found.' });
    expect(summarize([locked, { kind: 'missing' }])).toEqual({
      kind: 'locked',
      message: 'Another window indexes this folder.',
    });
    expect(summarize([ready(1, 1), { kind: 'unknown' }])).toEqual({ kind: 'missing' });
  });

  it('lets questions search an index under construction once keyword search works', () => {
    const building = (keywordReady: boolean): IndexState => ({
      kind: 'indexing',
      progress: {
        phase: 'embedding',
        filesDone: 5,
        filesTotal: 5,
        chunks: 40,
        skipped: 0,
        keywordReady,
        vectors: { ready: 9, total: 40 },
      },
    });
    expect(isSearchable(building(true))).toBe(true);
    expect(isSearchable(building(false))).toBe(false);
    expect(isSearchable({ kind: 'indexing' })).toBe(false);
    expect(isSearchable(ready(1, 1))).toBe(true);
    expect(vectorPercent({ ready: 9, total: 40 })).toBe(22);
    expect(vectorPercent({ ready: 39_999, total: 40_000 })).toBe(99);
    expect(vectorPercent({ ready: 0, total: 0 })).toBe(100);
  });

  it('says when there is nothing to index', () => {
    expect(summarize([])).toEqual({ kind: 'none' });
  });
});
