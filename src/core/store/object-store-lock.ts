import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type * as lancedb from '@lancedb/lancedb';
import { RepoSageError } from '../errors';
import type { IndexLock } from './index-lock';
import { connectIndex } from './location';
import { isTableMissing } from './object-store-files';
import { sqlString } from './schema';

/**
 * One writer per shared index in object storage, so CI jobs pushing at once apply one after the
 * other instead of interleaving deletes and adds.
 *
 * LanceDB offers no exclusive create or test-and-set there: two racing `createTable(mode: create)`
 * calls can both succeed (the second commits as an overwrite), and so can two merge-inserts of one
 * key. What the store does guarantee is that every commit gets its own version, one after another.
 * So the lock is a queue: each writer appends a ticket row, and tickets are served in commit order
 * (a later commit's rows get higher row ids). The writer whose ticket comes first among the live
 * ones holds the lock; the others wait their turn.
 *
 * Everyone in the queue, holder and waiters, appends a heartbeat row while it runs. A ticket whose
 * owner has not beaten for STALE_MS belongs to a job that was killed: the queue skips it, and the
 * next holder removes its rows.
 */
const LOCK_TABLE = 'reposage_writer_lock';
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;
const POLL_MS = 1_000;
/** A CI job waits this long for another to finish before giving up. */
const DEFAULT_WAIT_MS = 30 * 60_000;
/**
 * Creating the queue table is itself an overwrite, so a writer that raced to create it may still
 * wipe tickets appended just before. While the table is this young (its first row, which no one
 * removes, says when it was made), a writer that comes first waits SETTLE_MS and checks that its
 * ticket is still there before it holds the lock.
 */
const YOUNG_TABLE_MS = 30_000;
const SETTLE_MS = 2_000;
const CREATED_ROW = '';

interface LockRow {
  owner: string;
  host: string;
  pid: number;
  at_ms: number;
}

interface Ticket {
  owner: string;
  host: string;
  pid: number;
  lastBeat: number;
}

interface Queue {
  /** Live and dead tickets, in the order they were committed. */
  tickets: Ticket[];
  createdAt?: number;
}

export interface ObjectStoreLockOptions {
  waitMs?: number;
  /** Shorter intervals let tests see a killed writer's ticket go stale. */
  heartbeatMs?: number;
  staleMs?: number;
}

export async function acquireObjectStoreLock(dbDir: string, options: ObjectStoreLockOptions = {}): Promise<IndexLock> {
  const staleMs = options.staleMs ?? STALE_MS;
  const db = await connectIndex(dbDir);
  const table = await openLockQueue(db);
  const me: Omit<LockRow, 'at_ms'> = { owner: randomUUID(), host: os.hostname(), pid: process.pid };
  const beat = () => table.add([{ ...me, at_ms: Date.now() }]);
  await queueUp(table, beat);
  const heartbeat = setInterval(() => void beat().catch(() => undefined), options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();
  const leave = async () => {
    clearInterval(heartbeat);
    await table.delete(`owner = ${sqlString(me.owner)}`).catch(() => undefined);
    table.close();
  };

  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  try {
    for (;;) {
      const { tickets, createdAt } = await readQueue(table);
      const live = alive(tickets, staleMs);
      if (!tickets.some((ticket) => ticket.owner === me.owner)) {
        // Wiped by a racing create (or judged dead after a stall): queue again.
        await queueUp(table, beat);
        continue;
      }
      if (live[0]?.owner === me.owner && (await stillFirstAfterSettling(table, me.owner, staleMs, createdAt))) {
        const dead = tickets.filter((ticket) => !live.includes(ticket)).map((ticket) => sqlString(ticket.owner));
        if (dead.length > 0) await table.delete(`owner IN (${dead.join(', ')})`).catch(() => undefined);
        return { release: leave };
      }
      const holder = live[0];
      if (holder && holder.owner !== me.owner && Date.now() >= deadline) {
        throw new RepoSageError(
          'INDEX_LOCKED',
          `Another RepoSage writer (${holder.host}, pid ${holder.pid}) has been updating the index in ` +
            `${dbDir} for too long.`,
          'Wait for that job to finish, or stop it; a writer silent for a minute is skipped.',
        );
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    await leave();
    throw error;
  }
}

/**
 * Appends the ticket. LanceDB refuses an append that meets a racing create (an overwrite) committed
 * since the table was read: read it again and append once more.
 */
async function queueUp(table: lancedb.Table, append: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await append();
      return;
    } catch (error) {
      if (attempt >= 5 || !isCommitConflict(error)) throw error;
      await table.checkoutLatest();
    }
  }
}

/**
 * Opens the queue table, creating it if no one has. A create that loses the race to another
 * writer's create is refused as a commit conflict; the table exists by then, so open it.
 */
export async function openLockQueue(db: lancedb.Connection): Promise<lancedb.Table> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.openTable(LOCK_TABLE);
    } catch (error) {
      if (!isTableMissing(error)) throw error;
    }
    try {
      const created = { owner: CREATED_ROW, host: '', pid: 0, at_ms: Date.now() };
      return await db.createTable(LOCK_TABLE, [created], { existOk: true });
    } catch (error) {
      if (attempt >= 5 || !isCommitConflict(error)) throw error;
    }
  }
}

function isCommitConflict(error: unknown): boolean {
  return /incompatible transaction|commit conflict/i.test((error as Error).message);
}

/** Owners in the order their tickets were committed, each with its latest heartbeat. */
async function readQueue(table: lancedb.Table): Promise<Queue> {
  // An open table shows the version it last wrote or read until told to look again.
  await table.checkoutLatest();
  const rows = (await table.query().withRowId().toArray()) as Array<LockRow & { _rowid: bigint }>;
  const byOwner = new Map<string, Ticket & { first: bigint }>();
  let createdAt: number | undefined;
  for (const row of rows) {
    if (row.owner === CREATED_ROW) {
      createdAt = row.at_ms;
      continue;
    }
    const ticket = byOwner.get(row.owner);
    if (!ticket) {
      byOwner.set(row.owner, {
        owner: row.owner,
        host: row.host,
        pid: row.pid,
        lastBeat: row.at_ms,
        first: row._rowid,
      });
      continue;
    }
    ticket.lastBeat = Math.max(ticket.lastBeat, row.at_ms);
    if (row._rowid < ticket.first) ticket.first = row._rowid;
  }
  const tickets = [...byOwner.values()].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  return { tickets, createdAt };
}

function alive(tickets: Ticket[], staleMs: number): Ticket[] {
  return tickets.filter((ticket) => Date.now() - ticket.lastBeat <= staleMs);
}

async function stillFirstAfterSettling(
  table: lancedb.Table,
  owner: string,
  staleMs: number,
  createdAt: number | undefined,
): Promise<boolean> {
  if (createdAt === undefined || Date.now() - createdAt > YOUNG_TABLE_MS) return true;
  await sleep(SETTLE_MS);
  return alive((await readQueue(table)).tickets, staleMs)[0]?.owner === owner;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
