import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RepoSageError } from '../errors';
import { isObjectStore, objectStoreError } from './location';
import { readObjectStoreFile, writeObjectStoreFile } from './object-store-files';

/** Bump when the tables' columns change: an index with another schema is rebuilt, never read. */
export const SCHEMA_VERSION = 4;

/** The table versions and contents a finished run left: the index is complete while they still hold. */
export interface CompleteMark {
  chunksVersion: number;
  filesVersion: number;
  files: number;
  chunks: number;
  /**
   * Size of every data and index file of both tables, relative to dbDir: a cheap check that none went missing or was
   * cut.
   */
  dataFiles?: Record<string, number>;
  /** Columns with a search index when the run finished. */
  indexes?: string[];
  at: string;
}

/** What an index was built with, which tables hold it, and whether the last run finished. */
export interface IndexManifest {
  schemaVersion: number;
  embeddingModel: string;
  dimension: number;
  /**
   * The static embedding table whose vectors every chunk that gets a vector holds from the moment it is
   * written (see embedding/static-embedder.ts); absent when none ships for the embedding model.
   */
  staticModel?: StaticModelRecord;
  chunkerVersion: string;
  createdAt: string;
  updatedAt: string;
  /** Table names; absent in indexes from before rebuilds went to fresh tables. */
  tables?: { chunks: string; files: string };
  /** Files the last run set out to have indexed, to say how far a cut-short run got. */
  filesPlanned?: number;
  /** Written last by a run that finished; absent or out of date while a run is under way or was cut short. */
  complete?: CompleteMark;
  /** The folder that was indexed (absolute): sources are verified against it wherever a query runs. */
  root?: string;
  /** The git commit of the root the index was built from, when it is a git checkout. */
  commit?: string;
  /** Set when this index is a local overlay on a shared index (see indexer/shared-base.ts). */
  overlay?: OverlayRecord;
}

export interface StaticModelRecord {
  id: string;
  dimension: number;
}

export interface TableVersions {
  chunks: number;
  files: number;
}

/**
 * What a local overlay was computed against: the shared index and the exact versions of it read,
 * and the shared files it replaces or deletes (masked out of the shared index's results).
 */
export interface OverlayRecord {
  sharedIndex: string;
  sharedVersions: TableVersions;
  masked: string[];
}

/** staticModel: null for an index without static vectors; undefined when whoever asks does not care (a reader). */
export type ManifestIdentity = Pick<IndexManifest, 'embeddingModel' | 'chunkerVersion'> & {
  dimension?: number;
  staticModel?: StaticModelRecord | null;
};

const FILE = 'manifest.json';

/** The manifest, or undefined when there is none; a manifest that cannot be read is INDEX_CORRUPT, not missing. */
export async function readManifest(dbDir: string): Promise<IndexManifest | undefined> {
  let raw: string;
  if (isObjectStore(dbDir)) {
    // A missing manifest reads as undefined; an unreachable store throws: it is not "no index".
    const text = await readObjectStoreFile(dbDir, FILE).catch((error: unknown) => {
      throw objectStoreError(dbDir, error);
    });
    if (text === undefined) return undefined;
    raw = text;
  } else
    try {
      raw = await fs.readFile(path.join(dbDir, FILE), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code === 'ENOTDIR') throw notAFolder(dbDir);
      throw damagedManifest(dbDir, `it cannot be read (${code})`, error);
    }
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(raw) as IndexManifest;
  } catch (error) {
    throw damagedManifest(dbDir, 'it is not valid JSON', error);
  }
  if (!isManifest(manifest)) throw damagedManifest(dbDir, 'fields are missing');
  return manifest;
}

/** The embedding model the index in dbDir was built with; undefined without a readable index. */
export async function readIndexModel(dbDir: string): Promise<string | undefined> {
  return readManifest(dbDir).then(
    (manifest) => manifest?.embeddingModel,
    () => undefined,
  );
}

/** Written through a temporary file and a rename, so a kill never leaves half a manifest. */
export async function writeManifest(dbDir: string, manifest: IndexManifest): Promise<void> {
  if (isObjectStore(dbDir)) return writeObjectStoreFile(dbDir, FILE, JSON.stringify(manifest, null, 2));
  const target = path.join(dbDir, FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(manifest, null, 2));
  await fs.rename(temporary, target);
}

/** Why an index built as `manifest` cannot serve `wanted`, or undefined when it can. */
export function manifestMismatch(manifest: IndexManifest, wanted: ManifestIdentity): string | undefined {
  if (manifest.schemaVersion !== SCHEMA_VERSION) {
    return `index schema ${manifest.schemaVersion} differs from ${SCHEMA_VERSION}`;
  }
  if (manifest.embeddingModel !== wanted.embeddingModel) {
    return `index was built with ${manifest.embeddingModel}, not ${wanted.embeddingModel}`;
  }
  if (wanted.dimension !== undefined && manifest.dimension !== wanted.dimension) {
    return `index vectors have ${manifest.dimension} dimensions, the model gives ${wanted.dimension}`;
  }
  const staticModel = manifest.staticModel?.id ?? null;
  if (wanted.staticModel !== undefined && staticModel !== (wanted.staticModel?.id ?? null)) {
    const now = wanted.staticModel?.id ?? 'none';
    return `index static vectors come from ${staticModel ?? 'no static table'}, now ${now}`;
  }
  if (manifest.chunkerVersion !== wanted.chunkerVersion) {
    return `index was chunked by chunker ${manifest.chunkerVersion}, now ${wanted.chunkerVersion}`;
  }
  return undefined;
}

/** What to do about a damaged index, in the words of both shells. */
export const REPAIR_HINT = 'Run `reposage index` (or "RepoSage: Re-index Workspace") to repair it.';

export function notAFolder(dbDir: string): RepoSageError {
  return new RepoSageError(
    'INVALID_INPUT',
    `The index location ${dbDir} is a file, not a folder.`,
    'Point --db at a folder (it is created if missing).',
  );
}

function isManifest(value: unknown): value is IndexManifest {
  const m = value as IndexManifest;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.schemaVersion === 'number' &&
    typeof m.embeddingModel === 'string' &&
    typeof m.dimension === 'number' &&
    typeof m.chunkerVersion === 'string'
  );
}

function damagedManifest(dbDir: string, why: string, cause?: unknown): RepoSageError {
  return new RepoSageError(
    'INDEX_CORRUPT',
    `The index in ${dbDir} is damaged: its manifest.json is unreadable (${why}).`,
    REPAIR_HINT,
    { cause },
  );
}
