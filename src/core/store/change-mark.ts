import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isObjectStore } from './location';
import { readObjectStoreFile } from './object-store-files';
import { CHUNKS_TABLE, FILES_TABLE } from './schema';

const MANIFEST = 'manifest.json';

/**
 * A cheap mark of an index's state on disk: it changes whenever a writer rewrites the manifest (a
 * run begun or finished, a rebuild into new tables) or commits to a table (every LanceDB commit adds
 * a file to the table's _versions folder), so an index kept open is re-opened only when it is out of
 * date. One small read and two stats, no table opened. In object storage a reader only ever sees a
 * finished run (see ChunkStore.openForRead), so the manifest alone marks it.
 */
export async function readChangeMark(dbDir: string): Promise<string> {
  if (isObjectStore(dbDir)) return (await readObjectStoreFile(dbDir, MANIFEST)) ?? 'none';
  let manifest: string;
  try {
    manifest = await fs.readFile(path.join(dbDir, MANIFEST), 'utf8');
  } catch {
    // No index (or an unreadable one): opening it says what is wrong.
    return 'none';
  }
  const commits = await Promise.all(
    tableNames(manifest).map((table) =>
      fs.stat(path.join(dbDir, `${table}.lance`, '_versions')).then(
        (stats) => `${stats.mtimeMs}:${stats.ino}`,
        () => 'none',
      ),
    ),
  );
  return `${manifest}\n${commits.join('\n')}`;
}

/** The table names a manifest's text lists (the defaults for an index from before they were listed). */
function tableNames(manifest: string): string[] {
  try {
    const { tables } = JSON.parse(manifest) as { tables?: { chunks: string; files: string } };
    return tables ? [tables.chunks, tables.files] : [CHUNKS_TABLE, FILES_TABLE];
  } catch {
    return [];
  }
}
