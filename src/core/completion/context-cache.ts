import type { Chunk } from '../chunking/chunk';

/** Regions kept: the places a user moves between in a few minutes. */
const REGIONS = 64;
/** Names whose definitions are kept: a few hundred cover the code being worked on. */
const NAMES = 512;
/**
 * How many words of a region's query may differ (typed, deleted) while its similar code still
 * serves: the words around the cursor change one at a time while typing, and what reads like
 * the surrounding code does not change with one word.
 */
const REGION_DRIFT = 2;

interface RegionEntry {
  words: ReadonlySet<string>;
  chunks: Promise<Chunk[]>;
}

/**
 * The index searches behind recent completion contexts, so the keystrokes after the first in a
 * region cost a cache look-up instead of two keyword searches: similar code per file and cursor
 * line (while the words around the cursor barely changed), definitions per name (only names not
 * seen before are searched: while typing, the one being typed). Searches still running are shared,
 * so a request cancelled by the next keystroke leaves its results for it. Clear it when the index
 * changes.
 */
export class ContextCache {
  private readonly regions = new Map<string, RegionEntry>();
  private readonly definitions = new Map<string, Promise<Chunk[]>>();

  similarCode(
    path: string,
    line: number,
    words: ReadonlySet<string>,
    search: () => Promise<Chunk[]>,
  ): Promise<Chunk[]> {
    const key = `${path}\u0000${line}`;
    const cached = this.regions.get(key);
    if (cached && drift(cached.words, words) <= REGION_DRIFT) return touch(this.regions, key, cached).chunks;
    const chunks = this.forgetOnFailure(
      search(),
      () => this.regions.get(key)?.chunks === chunks && this.regions.delete(key),
    );
    remember(this.regions, key, { words, chunks }, REGIONS);
    return chunks;
  }

  /** The chunks defining these names; `search` is asked for the names not known yet, and says which defines which. */
  async definitionsOf(
    names: readonly string[],
    search: (names: string[]) => Promise<Map<string, Chunk[]>>,
  ): Promise<Chunk[]> {
    const missing = [...new Set(names)].filter((name) => !this.definitions.has(name));
    if (missing.length > 0) {
      const found = search(missing);
      for (const name of missing) {
        const chunks = this.forgetOnFailure(
          found.then((byName) => byName.get(name) ?? []),
          () => this.definitions.get(name) === chunks && this.definitions.delete(name),
        );
        remember(this.definitions, name, chunks, NAMES);
      }
    }
    const lists = await Promise.all(names.map((name) => touch(this.definitions, name, this.definitions.get(name)!)));
    return [...new Map(lists.flat().map((chunk) => [chunk.id, chunk])).values()];
  }

  clear(): void {
    this.regions.clear();
    this.definitions.clear();
  }

  /** A failed search is not kept: the next request searches again. */
  private forgetOnFailure(chunks: Promise<Chunk[]>, forget: () => void): Promise<Chunk[]> {
    chunks.catch(forget);
    return chunks;
  }
}

/** Words in one set and not the other, counted both ways. */
function drift(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let differ = 0;
  for (const word of a) if (!b.has(word)) differ++;
  for (const word of b) if (!a.has(word)) differ++;
  return differ;
}

/** Marks an entry the most recently used (a Map iterates in insertion order). */
function touch<V>(entries: Map<string, V>, key: string, value: V): V {
  entries.delete(key);
  entries.set(key, value);
  return value;
}

function remember<V>(entries: Map<string, V>, key: string, value: V, capacity: number): void {
  touch(entries, key, value);
  if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
}
