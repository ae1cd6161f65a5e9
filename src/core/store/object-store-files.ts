import type * as lancedb from '@lancedb/lancedb';
import { connectIndex } from './location';

/**
 * The small text files of an index (the manifest) when the index lives in object storage, where
 * node:fs cannot reach. They are rows of one LanceDB table, so they need no S3 client of our own,
 * use the credentials LanceDB uses, and each write is one atomic LanceDB commit (a reader sees the
 * old text or the new, never half of it).
 */
const FILES_TABLE = 'reposage_files';

export async function readObjectStoreFile(dbDir: string, name: string): Promise<string | undefined> {
  const table = await openFilesTable(await connectIndex(dbDir));
  if (!table) return undefined;
  try {
    const rows = (await table.query().where(`name = '${name}'`).select(['text']).toArray()) as Array<{ text: string }>;
    return rows[0]?.text;
  } finally {
    table.close();
  }
}

export async function writeObjectStoreFile(dbDir: string, name: string, text: string): Promise<void> {
  const db = await connectIndex(dbDir);
  const row = { name, text };
  let table = await openFilesTable(db);
  if (!table) {
    try {
      (await db.createTable(FILES_TABLE, [row], { mode: 'create' })).close();
      return;
    } catch (error) {
      // Created meanwhile (writers take the index lock first, so this is rare): update that one.
      table = await openFilesTable(db);
      if (!table) throw error;
    }
  }
  try {
    await table.mergeInsert('name').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([row]);
  } finally {
    table.close();
  }
}

/** Names of the object-store tables that are not chunk data, for removing an index. */
export const OBJECT_STORE_FILES_TABLE = FILES_TABLE;

async function openFilesTable(db: lancedb.Connection): Promise<lancedb.Table | undefined> {
  try {
    return await db.openTable(FILES_TABLE);
  } catch (error) {
    if (isTableMissing(error)) return undefined;
    throw error;
  }
}

/** LanceDB's error for a table that is not there (its message is the only marker it gives). */
export function isTableMissing(error: unknown): boolean {
  return /not found|does not exist/i.test((error as Error)?.message ?? '');
}
