import { describe, expect, it } from 'vitest';
import { type CachedAnswer, CompletionCache } from '../../src/core/completion/cache';
import { RecentEdits } from '../../src/core/completion/recent-edits';

const answer = (completion: string): CachedAnswer => ({
  completion,
  mode: 'single',
  fim: true,
  context: [],
  promptTokens: 10,
});

describe('CompletionCache', () => {
  it('finds an answer by file, text before and text after the cursor', () => {
    const cache = new CompletionCache();
    cache.set('a.ts', 'const x = ', ';\n', answer('compute(1)'));

    expect(cache.get('a.ts', 'const x = ', ';\n')).toEqual({ hit: true, answer: answer('compute(1)') });
    expect(cache.get('b.ts', 'const x = ', ';\n').hit).toBe(false);
    expect(cache.get('a.ts', 'const x = ', ');\n').hit).toBe(false);
  });

  it('serves the rest of a suggestion while the user types its first characters', () => {
    const cache = new CompletionCache();
    cache.set('a.ts', 'const x = ', ';\n', answer('compute(1)'));

    expect(cache.get('a.ts', 'const x = comp', ';\n')).toEqual({ hit: true, answer: answer('ute(1)') });
    expect(cache.get('a.ts', 'const x = cont', ';\n').hit).toBe(false);
    // Typed to the end: nothing left to serve, so the model is asked again.
    expect(cache.get('a.ts', 'const x = compute(1)', ';\n').hit).toBe(false);
  });

  it('keeps an empty answer, so a place without a suggestion is not asked about again', () => {
    const cache = new CompletionCache();
    cache.set('a.ts', 'x', '', answer(''));
    expect(cache.get('a.ts', 'x', '')).toEqual({ hit: true, answer: answer('') });
    expect(cache.get('a.ts', 'xy', '').hit).toBe(false);
  });

  it('drops the least recently used answer first', () => {
    const cache = new CompletionCache(2);
    cache.set('a.ts', 'one', '', answer('1'));
    cache.set('a.ts', 'two', '', answer('2'));
    cache.get('a.ts', 'one', '');
    cache.set('a.ts', 'three', '', answer('3'));

    expect(cache.get('a.ts', 'one', '').hit).toBe(true);
    expect(cache.get('a.ts', 'two', '').hit).toBe(false);
    expect(cache.get('a.ts', 'three', '').hit).toBe(true);
  });
});

describe('RecentEdits', () => {
  it('keeps the newest text of a region, newest first, up to its capacity', () => {
    const edits = new RecentEdits(2);
    edits.record({ path: 'a.ts', startLine: 1, endLine: 3, text: 'old' });
    edits.record({ path: 'b.ts', startLine: 1, endLine: 1, text: 'b' });
    edits.record({ path: 'a.ts', startLine: 3, endLine: 4, text: 'new' });

    expect(edits.list().map((edit) => edit.text)).toEqual(['new', 'b']);
    edits.record({ path: 'c.ts', startLine: 1, endLine: 1, text: 'c' });
    expect(edits.list().map((edit) => edit.text)).toEqual(['c', 'new']);
  });
});
