import { RepoSageError } from '../errors';
import { ChunkStore } from '../store/chunk-store';
import { readManifest } from '../store/manifest';

export interface IndexStatus {
  dbDir: string;
  embeddingModel: string;
  dimension: number;
  chunkerVersion: string;
  files: number;
  chunks: number;
  languages: Record<string, number>;
  updatedAt: string;
}

/** What an index holds and what built it, without loading any model. */
export async function readIndexStatus(dbDir: string): Promise<IndexStatus> {
  const manifest = await readManifest(dbDir);
  if (!manifest) {
    throw new RepoSageError('INDEX_MISSING', `No RepoSage index in ${dbDir}.`, 'Run `reposage index` first.');
  }
  const store = await ChunkStore.openForRead(dbDir, manifest);
  try {
    const stats = await store.stats();
    return {
      dbDir,
      embeddingModel: manifest.embeddingModel,
      dimension: manifest.dimension,
      chunkerVersion: manifest.chunkerVersion,
      files: stats.files,
      chunks: stats.chunks,
      languages: stats.languages,
      updatedAt: manifest.updatedAt,
    };
  } finally {
    store.close();
  }
}
