import type { Chunk } from '../chunking/chunk';
import type { ChunkStore, DenseSearchOptions, DenseSpace, ScoredChunk } from './chunk-store';
import type { IndexHealth } from './integrity';
import type { IndexManifest } from './manifest';
import type { FileRow } from './schema';

/** What retrieval reads from an index: one local index, or a shared index under a local overlay. */
export type SearchableStore = Pick<
  ChunkStore,
  | 'identity'
  | 'health'
  | 'searchDense'
  | 'denseSpace'
  | 'searchKeywords'
  | 'searchDefinitions'
  | 'searchPaths'
  | 'catalog'
  | 'chunksOfFile'
  | 'close'
>;

/**
 * A shared index seen through a local overlay: the overlay's files (edited, new, from another
 * branch) come from the overlay, the masked files (changed or deleted here) never come from the
 * shared index, everything else does. Both were built by the same model, so dense distances
 * compare directly; BM25 scores of two tables use different corpus statistics, so keyword hits are
 * interleaved by rank instead.
 */
export class LayeredStore implements SearchableStore {
  constructor(
    private readonly overlay: ChunkStore,
    private readonly shared: ChunkStore,
    private readonly masked: readonly string[],
  ) {}

  get identity(): IndexManifest {
    return this.overlay.identity;
  }

  /** The overlay's: the shared index is read at a finished version, so only the overlay can be partial. */
  get health(): IndexHealth {
    return this.overlay.health;
  }

  /**
   * Both tables are searched in one space, so their distances compare: the static table's while the
   * overlay (or the shared index) is still being embedded, if both hold vectors of the same table.
   */
  denseSpace(): DenseSpace {
    const sameTable = this.overlay.identity.staticModel?.id === this.shared.identity.staticModel?.id;
    const building = this.overlay.denseSpace() === 'static' || this.shared.denseSpace() === 'static';
    return building && sameTable ? 'static' : 'model';
  }

  async searchDense(vector: Float32Array, limit: number, options: DenseSearchOptions = {}): Promise<ScoredChunk[]> {
    const [local, shared] = await Promise.all([
      this.overlay.searchDense(vector, limit, { space: options.space }),
      this.shared.searchDense(vector, limit, { space: options.space, excludePaths: this.masked }),
    ]);
    return [...local, ...shared].sort((a, b) => a.score - b.score).slice(0, limit);
  }

  async searchKeywords(query: string, limit: number): Promise<ScoredChunk[]> {
    const [local, shared] = await Promise.all([
      this.overlay.searchKeywords(query, limit),
      this.shared.searchKeywords(query, limit, { excludePaths: this.masked }),
    ]);
    return interleave(local, shared).slice(0, limit);
  }

  async searchDefinitions(
    names: readonly string[],
    limit: number,
  ): Promise<Array<{ chunk: Chunk; matched: string[] }>> {
    const [local, shared] = await Promise.all([
      this.overlay.searchDefinitions(names, limit),
      this.shared.searchDefinitions(names, limit, { excludePaths: this.masked }),
    ]);
    return [...local, ...shared].slice(0, limit);
  }

  async searchPaths(tails: readonly string[], limit: number): Promise<Chunk[]> {
    const [local, shared] = await Promise.all([
      this.overlay.searchPaths(tails, limit),
      this.shared.searchPaths(tails, limit, { excludePaths: this.masked }),
    ]);
    return [...local, ...shared].slice(0, limit);
  }

  async catalog(): Promise<Map<string, FileRow>> {
    const [local, shared] = await Promise.all([this.overlay.catalog(), this.shared.catalog()]);
    for (const path of this.masked) shared.delete(path);
    for (const [path, row] of local) shared.set(path, row);
    return shared;
  }

  async chunksOfFile(filePath: string): Promise<Chunk[]> {
    const local = await this.overlay.chunksOfFile(filePath);
    if (local.length > 0 || this.masked.includes(filePath)) return local;
    return this.shared.chunksOfFile(filePath);
  }

  close(): void {
    this.overlay.close();
    this.shared.close();
  }
}

/** Rank 1 of each list, then rank 2 of each, and so on: neither list's score scale decides. */
function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const merged: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) merged.push(a[i]);
    if (i < b.length) merged.push(b[i]);
  }
  return merged;
}
