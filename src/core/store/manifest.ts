import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Bump when the tables' columns change: an index with another schema is rebuilt, never read. */
export const SCHEMA_VERSION = 1;

/** What an index was built with. A query with anything else must not search it. */
export interface IndexManifest {
  schemaVersion: number;
  embeddingModel: string;
  dimension: number;
  chunkerVersion: string;
  createdAt: string;
  updatedAt: string;
  /** The folder that was indexed (absolute): sources are verified against it wherever a query runs. */
  root?: string;
}

export type ManifestIdentity = Pick<IndexManifest, 'embeddingModel' | 'chunkerVersion'> & { dimension?: number };

const FILE = 'manifest.json';

export async function readManifest(dbDir: string): Promise<IndexManifest | undefined> {
  let raw: string;
  try {
    raw = await fs.readFile(path.join(dbDir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(raw) as IndexManifest;
  } catch {
    return undefined;
  }
}

/** Written through a temporary file and a rename, so a kill never leaves half a manifest. */
export async function writeManifest(dbDir: string, manifest: IndexManifest): Promise<void> {
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
