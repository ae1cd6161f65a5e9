import { createHash } from 'node:crypto';

/** Two texts sharing this share of their shingles teach the same thing twice. */
const NEAR_DUPLICATE_JACCARD = 0.9;

/** Consecutive tokens per shingle: short enough for short functions, long enough to keep order. */
const SHINGLE_TOKENS = 3;
/**
 * MinHash signature of BANDS × ROWS values, for locality-sensitive hashing: two texts are compared
 * (exactly, on their shingles) only when some band of their signatures matches. A pair at Jaccard
 * 0.9 is missed with probability (1 - 0.9^8)^16 ≈ 1e-4; a pair at 0.5 is compared 6% of the time.
 */
const BANDS = 16;
const ROWS = 8;

export interface DedupeResult<T> {
  kept: T[];
  duplicates: number;
  nearDuplicates: number;
}

/**
 * Keeps the first of each group of exact duplicates (same text once whitespace is normalised) and
 * of near-duplicates (shingle Jaccard ≥ NEAR_DUPLICATE_JACCARD), in the given order.
 */
export function dedupe<T>(items: readonly T[], textOf: (item: T) => string): DedupeResult<T> {
  const seenExact = new Set<string>();
  const buckets = new Map<string, number[]>();
  const keptShingles: Array<Set<number>> = [];
  const kept: T[] = [];
  let duplicates = 0;
  let nearDuplicates = 0;

  for (const item of items) {
    const normalised = normalise(textOf(item));
    const exactKey = createHash('sha256').update(normalised).digest('hex');
    if (seenExact.has(exactKey)) {
      duplicates++;
      continue;
    }
    seenExact.add(exactKey);
    const mine = shingles(normalised);
    const keys = bandKeys(minHash(mine));
    const candidates = new Set(keys.flatMap((key) => buckets.get(key) ?? []));
    if ([...candidates].some((index) => jaccard(mine, keptShingles[index]) >= NEAR_DUPLICATE_JACCARD)) {
      nearDuplicates++;
      continue;
    }
    const index = kept.length;
    kept.push(item);
    keptShingles.push(mine);
    for (const key of keys) {
      const bucket = buckets.get(key);
      if (bucket) bucket.push(index);
      else buckets.set(key, [index]);
    }
  }
  return { kept, duplicates, nearDuplicates };
}

/** Whitespace runs become one space: re-indented or re-wrapped code is still the same code. */
function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shingles(text: string): Set<number> {
  const tokens = text.match(/[A-Za-z0-9_]+|[^\sA-Za-z0-9_]/g) ?? [];
  const set = new Set<number>();
  if (tokens.length < SHINGLE_TOKENS) {
    set.add(hash32(tokens.join(' ')));
    return set;
  }
  for (let i = 0; i + SHINGLE_TOKENS <= tokens.length; i++)
    set.add(hash32(tokens.slice(i, i + SHINGLE_TOKENS).join(' ')));
  return set;
}

/** One hash function per signature slot: the shingle hash remixed with the slot's seed. */
function minHash(shingleSet: Set<number>): Uint32Array {
  const signature = new Uint32Array(BANDS * ROWS).fill(0xffffffff);
  for (const shingle of shingleSet) {
    for (let slot = 0; slot < signature.length; slot++) {
      const value = mix32(shingle ^ Math.imul(slot + 1, 0x9e3779b9));
      if (value < signature[slot]) signature[slot] = value;
    }
  }
  return signature;
}

function bandKeys(signature: Uint32Array): string[] {
  const keys: string[] = [];
  for (let band = 0; band < BANDS; band++)
    keys.push(`${band}:${signature.subarray(band * ROWS, (band + 1) * ROWS).join(',')}`);
  return keys;
}

function jaccard(a: Set<number>, b: Set<number>): number {
  let shared = 0;
  for (const value of a) if (b.has(value)) shared++;
  return shared / (a.size + b.size - shared);
}

/** FNV-1a over UTF-16 code units, then mixed. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** MurmurHash3's finaliser: spreads every input bit over the whole word. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
