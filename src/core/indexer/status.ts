import { RepoSageError } from '../errors';
import { ChunkStore, type VectorCoverage } from '../store/chunk-store';
import type { IndexState } from '../store/integrity';
import { readManifest } from '../store/manifest';

export interface IndexStatus {
  dbDir: string;
  state: IndexState;
  embeddingModel: string;
  dimension: number;
  chunkerVersion: string;
  files: number;
  chunks: number;
  /** Chunks with a vector, waiting for one (keyword search only, for now), or never getting one. */
  vectors: VectorCoverage;
  /** Files the last run set out to have indexed: with `files`, how far a partial index got. */
  filesPlanned?: number;
  /** What is wrong with a damaged index. */
  problems: string[];
  /** The process building the index now. */
  writerPid?: number;
  languages: Record<string, number>;
  updatedAt: string;
}

/**
 * What an index holds, what built it and whether it is whole, without loading any model. A damaged
 * index is described (state 'damaged', with its problems); one whose manifest is unreadable is
 * INDEX_CORRUPT, since nothing else about it can be told.
 */
export async function readIndexStatus(dbDir: string): Promise<IndexStatus> {
  const manifest = await readManifest(dbDir);
  if (!manifest) {
    throw new RepoSageError('INDEX_MISSING', `No RepoSage index in ${dbDir}.`, 'Run `reposage index` first.');
  }
  const described = {
    dbDir,
    embeddingModel: manifest.embeddingModel,
    dimension: manifest.dimension,
    chunkerVersion: manifest.chunkerVersion,
    filesPlanned: manifest.filesPlanned,
    updatedAt: manifest.updatedAt,
  };
  let store: ChunkStore;
  try {
    store = await ChunkStore.openForRead(dbDir, manifest);
  } catch (error) {
    if (!(error instanceof RepoSageError) || error.code !== 'INDEX_CORRUPT') throw error;
    return {
      ...described,
      state: 'damaged',
      files: 0,
      chunks: 0,
      vectors: { ready: 0, pending: 0, none: 0 },
      problems: [error.message.replace(/^.*?damaged: /, '')],
      languages: {},
    };
  }
  try {
    const { health } = store;
    const [stats, vectors] = await Promise.all([store.stats(), store.vectorCoverage()]);
    return {
      ...described,
      state: health.state,
      files: stats.files,
      chunks: stats.chunks,
      vectors,
      problems: health.problems,
      writerPid: health.writer?.pid,
      languages: stats.languages,
    };
  } finally {
    store.close();
  }
}
