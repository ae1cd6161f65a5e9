import { createHash } from 'node:crypto';
import { RepoSageError } from '../errors';
import { ChunkStore } from './chunk-store';
import { firstLine } from './integrity';
import { readManifest } from './manifest';

export interface DeepCheck {
  /** Rows read, and what was wrong with them; ok when nothing was. */
  ok: boolean;
  /** Rows were read but do not add up: only a rebuild from the files helps (the cheap check passes them). */
  rowsDamaged: boolean;
  chunksRead: number;
  filesRead: number;
  problems: string[];
}

/** Problems listed per kind before the rest are only counted. */
const EXAMPLES = 3;

/**
 * The deep check behind `reposage doctor`: opens the index as a reader would, then reads every row
 * of both tables and checks each against itself (a chunk's text against its content hash, its
 * vector's width, finiteness and unit length) and the catalog against the chunks (each file's
 * chunk count). Data garbled inside a file, which no cheap check sees, shows here.
 */
export async function deepCheck(dbDir: string): Promise<DeepCheck> {
  const result: DeepCheck = { ok: true, rowsDamaged: false, chunksRead: 0, filesRead: 0, problems: [] };
  const fail = (problem: string) => {
    result.ok = false;
    result.problems.push(problem);
  };
  let manifest: Awaited<ReturnType<typeof readManifest>> | undefined;
  try {
    manifest = await readManifest(dbDir);
  } catch (error) {
    fail(error instanceof RepoSageError ? error.message : firstLine(error));
    return result;
  }
  if (!manifest)
    throw new RepoSageError('INDEX_MISSING', `No RepoSage index in ${dbDir}.`, 'Run `reposage index` first.');
  let store: ChunkStore;
  try {
    store = await ChunkStore.openForRead(dbDir, manifest);
  } catch (error) {
    fail(error instanceof RepoSageError ? error.message : firstLine(error));
    return result;
  }
  try {
    const bad = { hash: 0, vector: 0 };
    const chunksPerFile = new Map<string, number>();
    for await (const rows of store.scanChunks()) {
      for (const row of rows) {
        result.chunksRead++;
        chunksPerFile.set(row.path, (chunksPerFile.get(row.path) ?? 0) + 1);
        if (sha256(row.text) !== row.content_hash && bad.hash++ < EXAMPLES)
          fail(`a chunk of ${row.path} does not match its content hash`);
        const why = vectorProblem(row.vector, manifest.dimension);
        if (why && bad.vector++ < EXAMPLES) fail(`a vector of ${row.path} ${why}`);
      }
    }
    if (bad.hash > EXAMPLES) fail(`${bad.hash - EXAMPLES} more chunks do not match their content hash`);
    if (bad.vector > EXAMPLES) fail(`${bad.vector - EXAMPLES} more vectors are damaged`);
    const catalog = await store.catalog();
    result.filesRead = catalog.size;
    let miscounted = 0;
    for (const [path, file] of catalog) {
      if ((chunksPerFile.get(path) ?? 0) !== file.chunk_count && miscounted++ < EXAMPLES) {
        fail(`${path} has ${chunksPerFile.get(path) ?? 0} chunks, the catalog says ${file.chunk_count}`);
      }
    }
    const orphans = [...chunksPerFile.keys()].filter((path) => !catalog.has(path));
    // A cut-short run may leave chunks of a file it had not yet catalogued; a finished one may not.
    if (orphans.length > 0 && store.health.state === 'complete')
      fail(`${orphans.length} files have chunks but no catalog entry (${orphans[0]})`);
    result.rowsDamaged = !result.ok;
  } catch (error) {
    result.rowsDamaged = true;
    fail(error instanceof RepoSageError ? error.message : firstLine(error));
  } finally {
    store.close();
  }
  return result;
}

/**
 * Embeddings are stored normalised (all zeros: not embedded yet); anything else was changed after they were written.
 */
function vectorProblem(vector: ArrayLike<number>, dimension: number): string | undefined {
  if (vector.length !== dimension) return `has ${vector.length} dimensions, not ${dimension}`;
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) return 'holds a value that is not a number';
    norm += vector[i] * vector[i];
  }
  return norm !== 0 && Math.abs(Math.sqrt(norm) - 1) > 1e-3
    ? `has length ${Math.sqrt(norm).toFixed(3)}, not 1`
    : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
