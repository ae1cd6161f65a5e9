import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RepoSageError } from '../errors';
import { isObjectStore } from './location';
import { acquireObjectStoreLock } from './object-store-lock';

export interface IndexLock {
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

const LOCK_FILE = 'index.lock';

/**
 * One writer per index: a second window or CLI run on the same folder gets INDEX_LOCKED instead of
 * interleaving writes. A lock left by a process that died is taken over. An index in object storage
 * has its own lock there (object-store-lock.ts), which a second writer waits for.
 */
export async function acquireIndexLock(dbDir: string): Promise<IndexLock> {
  if (isObjectStore(dbDir)) return acquireObjectStoreLock(dbDir);
  await fs.mkdir(dbDir, { recursive: true });
  const file = path.join(dbDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(owner), { flag: 'wx' });
      return { release: () => fs.rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readOwner(file);
    if (holder && isAlive(holder)) {
      throw new RepoSageError(
        'INDEX_LOCKED',
        `Another RepoSage process (pid ${holder.pid}, since ${holder.startedAt}) is updating the index in ${dbDir}.`,
        'Wait for it to finish, or close the other window that indexes this folder.',
      );
    }
    await fs.rm(file, { force: true });
  }
  throw new RepoSageError('INDEX_LOCKED', `Could not lock the index in ${dbDir}.`, 'Try again in a moment.');
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another host (a shared folder) cannot be checked: treat it as held.
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
