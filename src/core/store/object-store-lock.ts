import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type * as lancedb from '@lancedb/lancedb';
import { RepoSageError } from '../errors';
import type { IndexLock } from './index-lock';
import { connectIndex } from './location';
import { isTableMissing } from './object-store-files';

/**
 * One writer per shared index in object storage. The lock is a LanceDB table: creating a table
 * commits its first version with a conditional put (If-None-Match), which the store grants to
 * exactly one of two racing writers; the loser waits. Several CI jobs pushing at once therefore
 * apply one after the other instead of interleaving deletes and adds.
 *
 * The holder appends a heartbeat row while it works. A lock whose last heartbeat is older than
 * STALE_MS belongs to a job that was killed: it is dropped and taken over, and the new holder
 * checks after a pause that the table it holds is still its own (two takers racing to replace the
 * same stale lock: the later one wins, the earlier one goes back to waiting).
 */
const LOCK_TABLE = 'reposage_writer_lock';
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;
const POLL_MS = 1_000;
const TAKEOVER_SETTLE_MS = 2_000;
/** A CI job waits this long for another to finish before giving up. */
const DEFAULT_WAIT_MS = 30 * 60_000;

interface LockRow {
  owner: string;
  host: string;
  pid: number;
  at_ms: number;
}

export interface ObjectStoreLockOptions {
  waitMs?: number;
}

export async function acquireObjectStoreLock(dbDir: string, options: ObjectStoreLockOptions = {}): Promise<IndexLock> {
  const db = await connectIndex(dbDir);
  const me: LockRow = { owner: randomUUID(), host: os.hostname(), pid: process.pid, at_ms: Date.now() };
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  for (;;) {
    const created = await tryCreate(db, me);
    if (created === 'created') return holdLock(db, me);
    const holder = await readHolder(db);
    if (holder && Date.now() - holder.lastBeat > STALE_MS) {
      await dropLock(db);
      if ((await tryCreate(db, me)) === 'created') {
        await sleep(TAKEOVER_SETTLE_MS);
        if ((await readHolder(db))?.owner === me.owner) return holdLock(db, me);
      }
      continue;
    }
    if (holder && Date.now() >= deadline) {
      throw new RepoSageError(
        'INDEX_LOCKED',
        `Another RepoSage writer (${holder.host}, pid ${holder.pid}) has been updating the index in ` +
          `${dbDir} for too long.`,
        'Wait for that job to finish, or stop it; a lock with no heartbeat for a minute is taken over.',
      );
    }
    if (holder) await sleep(POLL_MS);
  }
}

async function tryCreate(db: lancedb.Connection, me: LockRow): Promise<'created' | 'exists'> {
  try {
    (await db.createTable(LOCK_TABLE, [{ ...me, at_ms: Date.now() }], { mode: 'create' })).close();
    return 'created';
  } catch (error) {
    if (/already exists/i.test((error as Error).message)) return 'exists';
    throw error;
  }
}

/** The holder (the table's first row) and its latest heartbeat; undefined when no lock is held. */
async function readHolder(
  db: lancedb.Connection,
): Promise<{ owner: string; host: string; pid: number; lastBeat: number } | undefined> {
  let table: lancedb.Table;
  try {
    table = await db.openTable(LOCK_TABLE);
  } catch (error) {
    if (isTableMissing(error)) return undefined;
    throw error;
  }
  try {
    const rows = (await table.query().toArray()) as LockRow[];
    if (rows.length === 0) return undefined;
    const first = rows.reduce((a, b) => (b.at_ms < a.at_ms ? b : a));
    const lastBeat = Math.max(...rows.filter((row) => row.owner === first.owner).map((row) => row.at_ms));
    return { owner: first.owner, host: first.host, pid: first.pid, lastBeat };
  } finally {
    table.close();
  }
}

function holdLock(db: lancedb.Connection, me: LockRow): IndexLock {
  const heartbeat = setInterval(() => {
    void beat(db, me).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    release: async () => {
      clearInterval(heartbeat);
      if ((await readHolder(db).catch(() => undefined))?.owner === me.owner) await dropLock(db);
    },
  };
}

async function beat(db: lancedb.Connection, me: LockRow): Promise<void> {
  const table = await db.openTable(LOCK_TABLE);
  try {
    await table.add([{ ...me, at_ms: Date.now() }]);
  } finally {
    table.close();
  }
}

async function dropLock(db: lancedb.Connection): Promise<void> {
  try {
    await db.dropTable(LOCK_TABLE);
  } catch (error) {
    if (!isTableMissing(error)) throw error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
