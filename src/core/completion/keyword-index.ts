import { RepoSageError } from '../errors';
import { ChunkStore, type ScoredChunk } from '../store/chunk-store';
import { readManifest } from '../store/manifest';

/** The part of the index completion reads: keyword search only, no vectors, no re-ranker (too slow per keystroke). */
export interface KeywordIndex {
  searchKeywords(query: string, limit: number): Promise<ScoredChunk[]>;
}

export type OpenedKeywordIndex = { store: ChunkStore } | { store?: undefined; unavailable: string };

/**
 * Opens an index for keyword search whatever embedding model built it (completion reads no vectors).
 * A missing or unreadable index is no error: completion then works from the current file alone,
 * and `unavailable` says why, for the user to fix when they like.
 */
export async function openKeywordIndex(dbDir: string): Promise<OpenedKeywordIndex> {
  const manifest = await readManifest(dbDir);
  if (!manifest) return { unavailable: `no RepoSage index in ${dbDir}` };
  try {
    const store = await ChunkStore.openForRead(dbDir, {
      embeddingModel: manifest.embeddingModel,
      chunkerVersion: manifest.chunkerVersion,
    });
    return { store };
  } catch (error) {
    if (error instanceof RepoSageError && error.code !== 'CANCELLED')
      return { unavailable: error.message.replace(/\.$/, '') };
    throw error;
  }
}
