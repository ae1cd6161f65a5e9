import { removeOwnedEntries } from './chunk-store';
import { acquireIndexLock } from './index-lock';

/**
 * Deletes the index in dbDir (RepoSage's own entries only). Holding the write lock keeps another
 * window or CLI run from writing while the files go away; one that is writing makes this fail
 * with INDEX_LOCKED.
 */
export async function clearIndex(dbDir: string): Promise<void> {
  const lock = await acquireIndexLock(dbDir);
  try {
    await removeOwnedEntries(dbDir);
  } finally {
    await lock.release();
  }
}
