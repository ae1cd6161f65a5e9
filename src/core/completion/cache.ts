import type { CompletionResult } from './types';

/** Enough of the text before the cursor to tell two places apart; more only costs hashing. */
const PREFIX_TAIL = 400;
/** The start of the text after the cursor matters less: the model reads little of it. */
const SUFFIX_HEAD = 200;

/** What the cache keeps: a result (an empty completion where the model had nothing to suggest). */
export type CachedAnswer = Omit<CompletionResult, 'cached' | 'timings'>;

export type CacheLookup = { hit: false } | { hit: true; answer: CachedAnswer };

/**
 * Recent answers by (file, text before the cursor, text after it), least recently used dropped
 * first. Typing the characters a suggestion starts with is a hit too: the rest of it is served.
 */
export class CompletionCache {
  private readonly entries = new Map<string, CachedAnswer>();
  /** The longest completion held: no typed-ahead match can be longer. */
  private longest = 0;

  constructor(private readonly capacity = 256) {}

  get(path: string, prefix: string, suffix: string): CacheLookup {
    const exact = key(path, prefix, suffix);
    if (this.entries.has(exact)) return { hit: true, answer: this.touch(exact) };
    for (let typed = 1; typed <= Math.min(prefix.length, this.longest); typed++) {
      const earlier = key(path, prefix.slice(0, -typed), suffix);
      const completion = this.entries.get(earlier)?.completion;
      if (completion && completion.length > typed && completion.startsWith(prefix.slice(-typed))) {
        return { hit: true, answer: { ...this.touch(earlier), completion: completion.slice(typed) } };
      }
    }
    return { hit: false };
  }

  set(path: string, prefix: string, suffix: string, answer: CachedAnswer): void {
    const k = key(path, prefix, suffix);
    this.entries.delete(k);
    this.entries.set(k, answer);
    this.longest = Math.max(this.longest, answer.completion.length);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
    this.longest = 0;
  }

  /** Reads an entry and marks it the most recently used. */
  private touch(k: string): CachedAnswer {
    const answer = this.entries.get(k) as CachedAnswer;
    this.entries.delete(k);
    this.entries.set(k, answer);
    return answer;
  }
}

function key(path: string, prefix: string, suffix: string): string {
  return `${path}\u0000${prefix.slice(-PREFIX_TAIL)}\u0000${suffix.slice(0, SUFFIX_HEAD)}`;
}
