import { RepoSageError } from '../errors';
import { readTextFile, type SkippableKind, type WorkspaceFile } from '../files';
import { ChunkStore } from '../store/chunk-store';
import type { IndexManifest, ManifestIdentity, OverlayRecord, TableVersions } from '../store/manifest';
import type { FileRow } from '../store/schema';
import { contentHash } from './content-hash';

/**
 * A shared index (built in CI, usually in object storage) as the base of a local overlay. A local
 * file whose text hashes the same as the shared index's copy is served from the shared index; every
 * other local file (edited, from another branch, new) goes into the overlay, and every shared file
 * that is not served that way (changed or deleted here) is masked out of the shared results.
 */
export interface SharedBase {
  uri: string;
  versions: TableVersions;
  /** Path → content hash of every file in the shared index. */
  hashes: Map<string, string>;
}

/** Reads the shared index's catalog at its latest finished version; it must match our models. */
export async function readSharedBase(uri: string, identity: ManifestIdentity): Promise<SharedBase> {
  const store = await openShared(uri, identity);
  try {
    const catalog = await store.catalog();
    return {
      uri,
      versions: finishedVersions(store.identity),
      hashes: new Map([...catalog.values()].map((row) => [row.path, row.content_hash])),
    };
  } finally {
    store.close();
  }
}

/** The versions of the shared index's last finished run, which an overlay is computed against. */
function finishedVersions(manifest: IndexManifest): TableVersions {
  const mark = manifest.complete;
  if (!mark)
    throw new RepoSageError(
      'INDEX_MISSING',
      'The shared index has no finished build yet.',
      'Wait for the CI job that builds it to finish.',
    );
  return { chunks: mark.chunksVersion, files: mark.filesVersion };
}

/** Opens a shared index for searching, as the overlay saw it when `versions` is given. */
export async function openShared(
  uri: string,
  identity: ManifestIdentity,
  versions?: TableVersions,
): Promise<ChunkStore> {
  try {
    return await ChunkStore.openForRead(uri, identity, versions);
  } catch (error) {
    if (!(error instanceof RepoSageError) || (error.code !== 'INDEX_MISMATCH' && error.code !== 'INDEX_MISSING'))
      throw error;
    // The usual fixes (re-index here) would write the shared index, which an editor never does.
    throw new RepoSageError(
      error.code,
      `The shared index ${uri} cannot be used: ${error.message}`,
      'Use the embedding model the shared index was built with, let CI rebuild it, or clear the shared ' +
        'index setting (`reposage.sharedIndex`, `--shared`).',
      { cause: error },
    );
  }
}

export interface OverlaySplit {
  /** The local files the overlay must hold. */
  local: WorkspaceFile[];
  overlay: OverlayRecord;
}

/**
 * Splits the workspace into files served by the shared index and files for the overlay. A file
 * whose size and mtime match the overlay's catalog is known by the hash recorded there; any other
 * file present in the shared index is read and hashed (reading is cheap next to embedding).
 */
export async function splitAgainstShared(
  files: readonly WorkspaceFile[],
  base: SharedBase,
  overlayCatalog: ReadonlyMap<string, FileRow>,
  readOptions: ReadOptions = {},
): Promise<OverlaySplit> {
  const local: WorkspaceFile[] = [];
  const served = new Set<string>();
  for (const file of files) {
    const shared = base.hashes.get(file.path);
    if (shared === undefined) {
      local.push(file);
      continue;
    }
    const known = overlayCatalog.get(file.path);
    const hash =
      known && known.size === file.size && known.mtime_ms === file.mtimeMs
        ? known.content_hash
        : await hashOf(file, readOptions);
    if (hash === shared) served.add(file.path);
    else local.push(file);
  }
  const masked = [...base.hashes.keys()].filter((path) => !served.has(path)).sort();
  return { local, overlay: { sharedIndex: base.uri, sharedVersions: base.versions, masked } };
}

interface ReadOptions {
  maxFileBytes?: number;
  includeKinds?: SkippableKind[];
}

/** The hash the indexer would record for the file, read as the indexer reads it. */
async function hashOf(file: WorkspaceFile, options: ReadOptions): Promise<string | undefined> {
  const read = await readTextFile(file.absolutePath, options.maxFileBytes, { includeKinds: options.includeKinds });
  return 'skipped' in read ? undefined : contentHash(read.text);
}
