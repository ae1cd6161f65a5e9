import type * as lancedb from '@lancedb/lancedb';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type LockHolder, currentWriter } from './index-lock';
import { isObjectStore } from './location';
import type { CompleteMark, IndexManifest } from './manifest';

/**
 * complete: the last run finished and nothing changed since. partial: a run was cut short (or the
 * first build is not done). building: a writer is at work right now. damaged: data or an index is
 * missing or unreadable; `reposage index` repairs it.
 */
export type IndexState = 'complete' | 'partial' | 'building' | 'damaged';

export interface IndexHealth {
  state: IndexState;
  files: number;
  chunks: number;
  /** Files the last run set out to have indexed. */
  filesPlanned?: number;
  /** What is wrong, in words, for a damaged index. */
  problems: string[];
  /** Search indexes a finished run built that are gone: re-created without re-reading the data. */
  missingIndexes: string[];
  /** Tables that cannot serve: rebuilt from the files. */
  tablesDamaged: boolean;
  /** The tables are as the last finished run left them (whether or not a writer is at work now). */
  finished: boolean;
  writer?: LockHolder;
}

/** Folders of a Lance table whose files a finished run records, and whose loss damages the table. */
const TABLE_FOLDERS = ['data', '_deletions', '_indices'];

/**
 * The cheap check on open: both tables readable, the vectors as wide as the manifest says, the data
 * and index files a finished run left still there at their sizes, its search indexes still listed,
 * and the table versions still the ones it finished, or else a run was cut short. Reads no rows.
 */
export async function checkIndex(
  dbDir: string,
  manifest: IndexManifest,
  tables: { chunks: lancedb.Table; files: lancedb.Table },
): Promise<IndexHealth> {
  const health: IndexHealth = {
    state: 'complete',
    files: 0,
    chunks: 0,
    filesPlanned: manifest.filesPlanned,
    problems: [],
    missingIndexes: [],
    tablesDamaged: false,
    finished: false,
  };
  const damage = (problem: string) => {
    health.tablesDamaged = true;
    health.problems.push(problem);
  };
  try {
    [health.chunks, health.files] = await Promise.all([tables.chunks.countRows(), tables.files.countRows()]);
  } catch (error) {
    damage(`its tables cannot be read (${firstLine(error)})`);
    health.state = 'damaged';
    return health;
  }
  const width = await vectorWidth(tables.chunks);
  if (width !== manifest.dimension)
    damage(`its vectors have ${width} dimensions, the manifest says ${manifest.dimension}`);

  const mark = manifest.complete;
  const [chunksVersion, filesVersion] = await Promise.all([tables.chunks.version(), tables.files.version()]);
  const finished = mark !== undefined && mark.chunksVersion === chunksVersion && mark.filesVersion === filesVersion;
  health.finished = finished;
  if (finished) {
    if (mark.chunks !== health.chunks || mark.files !== health.files) {
      damage(
        `it holds ${health.chunks} chunks of ${health.files} files, but was finished with ${mark.chunks} ` +
          `of ${mark.files}`,
      );
    }
    // Data files are checked on disk only; an object store's are found by LanceDB when read.
    const lost = isObjectStore(dbDir) ? [] : await lostDataFiles(dbDir, mark);
    const indices = await tables.chunks.listIndices();
    for (const column of mark.indexes ?? []) {
      const index = indices.find((candidate) => candidate.columns.includes(column));
      if (!index || (index.indexUuid && lost.some((file) => file.includes(`/_indices/${index.indexUuid}`))))
        health.missingIndexes.push(column);
    }
    const lostData = lost.filter((file) => !file.includes('/_indices/'));
    if (lostData.length > 0) damage(`${lostData.length} of its data files are missing or cut short (${lostData[0]})`);
    for (const column of health.missingIndexes)
      health.problems.push(`its ${INDEX_NAMES[column] ?? column} index is missing`);
  }
  health.writer = await currentWriter(dbDir);
  health.state =
    health.problems.length > 0 ? 'damaged' : health.writer ? 'building' : finished ? 'complete' : 'partial';
  return health;
}

/**
 * What an answer served from an unfinished index must say: "partial index (64 of 134 files)", or
 * undefined for a complete one.
 */
export function incompleteNote(health: Pick<IndexHealth, 'state' | 'files' | 'filesPlanned'>): string | undefined {
  if (health.state === 'complete' || health.state === 'damaged') return undefined;
  const count =
    health.filesPlanned !== undefined ? `${health.files} of ${health.filesPlanned} files` : `${health.files} files`;
  return `partial index (${count}${health.state === 'building' ? ', being built now' : ''})`;
}

export const INDEX_NAMES: Record<string, string> = {
  search_text: 'full-text',
  definitions: 'definitions',
  vector: 'vector',
};

/**
 * Every data, deletion and index file of the tables, with its size; undefined where the index is not a local folder.
 */
export async function listDataFiles(
  dbDir: string,
  tableNames: readonly string[],
): Promise<Record<string, number> | undefined> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dbDir)) return undefined;
  const sizes: Record<string, number> = {};
  for (const table of tableNames) {
    for (const folder of TABLE_FOLDERS) {
      const base = path.join(dbDir, `${table}.lance`, folder);
      let entries: string[];
      try {
        entries = await fs.readdir(base, { recursive: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        const stats = await fs.stat(path.join(base, entry)).catch(() => undefined);
        if (stats?.isFile()) sizes[`${table}.lance/${folder}/${entry.split(path.sep).join('/')}`] = stats.size;
      }
    }
  }
  return sizes;
}

/** Recorded files that are gone or have another size now. */
async function lostDataFiles(dbDir: string, mark: CompleteMark): Promise<string[]> {
  if (!mark.dataFiles) return [];
  const lost: string[] = [];
  for (const [file, size] of Object.entries(mark.dataFiles)) {
    const stats = await fs.stat(path.join(dbDir, file)).catch(() => undefined);
    if (!stats || stats.size !== size) lost.push(file);
  }
  return lost;
}

async function vectorWidth(table: lancedb.Table): Promise<number | undefined> {
  const field = (await table.schema()).fields.find((candidate) => candidate.name === 'vector');
  return (field?.type as { listSize?: number } | undefined)?.listSize;
}

/** Lance errors carry Rust source paths and backtraces; the first line says what went wrong. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')[0]
    .replace(/,?\s*[\w/.-]+\.rs:\d+:\d+/g, '')
    .trim()
    .slice(0, 200);
}
