import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isObjectStore, objectStoreError } from './location';
import { readObjectStoreFile, writeObjectStoreFile } from './object-store-files';

/** Bump when the tables' columns change: an index with another schema is rebuilt, never read. */
export const SCHEMA_VERSION = 1;

/** What an index was built with. A query with anything else must not search it. */
export interface IndexManifest {
  schemaVersion: number;
  embeddingModel: string;
  dimension: number;
  chunkerVersion: string;
  /** The git commit of the root the index was built from, when it is a git checkout. */
  commit?: string;
  /**
   * The table versions the last finished write left. Readers open exactly these, so a write in
   * progress (or one killed half-way) is never searched: they see the previous finished index.
   */
  tableVersions?: TableVersions;
  /** Set when this index is a local overlay on a shared index (see indexer/shared-base.ts). */
  overlay?: OverlayRecord;
  createdAt: string;
  updatedAt: string;
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

export type ManifestIdentity = Pick<IndexManifest, 'embeddingModel' | 'chunkerVersion'> & { dimension?: number };

const FILE = 'manifest.json';

export async function readManifest(dbDir: string): Promise<IndexManifest | undefined> {
  // Object storage: a missing manifest reads as undefined; an unreachable store throws (it is not
  // "no index", and must not lead to a rebuild).
  const raw = isObjectStore(dbDir)
    ? await readObjectStoreFile(dbDir, FILE).catch((error: unknown) => {
        throw objectStoreError(dbDir, error);
      })
    : await readLocalFile(path.join(dbDir, FILE));
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as IndexManifest;
  } catch {
    return undefined;
  }
}

async function readLocalFile(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
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
  if (manifest.chunkerVersion !== wanted.chunkerVersion) {
    return `index was chunked by chunker ${manifest.chunkerVersion}, now ${wanted.chunkerVersion}`;
  }
  return undefined;
}
