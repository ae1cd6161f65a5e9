import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RepoSageError } from '../errors';
import { isObjectStore } from './location';
import { notAFolder } from './manifest';
import { acquireObjectStoreLock } from './object-store-lock';

export interface IndexLock {
  release(): Promise<void>;
}

/** Who holds a lock: enough to tell, later, whether that very process still runs. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The process's start time as the kernel counts it (Linux): a reused pid has another one. */
  processStart?: string;
  startedAt: string;
}

/**
 * Lock files are numbered: `index-<n>.lock`, and the highest number is the lock. A writer takes over
 * a dead holder's lock by creating the next number with O_EXCL, so of many processes racing over
 * one stale lock exactly one wins, and no process ever deletes a lock file it did not create (the
 * stale one stays, and later numbers go above it).
 */
const LOCK_FILE = /^index-(\d+)\.lock$/;
const lockName = (n: number) => `index-${n}.lock`;

/** Attempts before giving up when the highest lock keeps changing under us (holders coming and going). */
const ATTEMPTS = 20;

/**
 * One writer per index: a second window or CLI run on the same folder gets INDEX_LOCKED instead of
 * interleaving writes. A lock left by a process that died, or whose pid now belongs to another
 * process, is taken over.
 */
export async function acquireIndexLock(dbDir: string): Promise<IndexLock> {
  // An index in object storage has its lock there; a second writer waits for it (object-store-lock.ts).
  if (isObjectStore(dbDir)) return acquireObjectStoreLock(dbDir);
  await ensureFolder(dbDir);
  const me = currentHolder();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const top = await highestLock(dbDir);
    if (top) {
      const holder = await readHolder(path.join(dbDir, lockName(top.n)));
      // Released since we listed: look again.
      if (holder === 'gone') {
        await pause(attempt);
        continue;
      }
      // Lock files appear whole (see createExclusive), so an unreadable one was damaged: stale.
      if (holder !== 'damaged' && isAlive(holder)) throw lockedError(dbDir, holder);
    }
    const n = (top?.n ?? 0) + 1;
    const file = path.join(dbDir, lockName(n));
    if (await createExclusive(file, JSON.stringify(me))) {
      return { release: () => fs.rm(file, { force: true }) };
    }
    await pause(attempt);
  }
  throw new RepoSageError(
    'INDEX_LOCKED',
    `Could not lock the index in ${dbDir}: other processes keep taking it.`,
    'Try again in a moment.',
  );
}

/** The live process updating the index in dbDir, if any. */
export async function currentWriter(dbDir: string): Promise<LockHolder | undefined> {
  if (isObjectStore(dbDir)) return undefined;
  const top = await highestLock(dbDir).catch(() => undefined);
  if (!top) return undefined;
  const holder = await readHolder(path.join(dbDir, lockName(top.n)));
  return typeof holder === 'object' && isAlive(holder) ? holder : undefined;
}

/** Lock files are ours too: a removed index leaves none behind. */
export function isLockFile(name: string): boolean {
  return LOCK_FILE.test(name) || name === 'index.lock';
}

async function ensureFolder(dbDir: string): Promise<void> {
  try {
    await fs.mkdir(dbDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw notAFolder(dbDir);
    }
    throw error;
  }
}

async function highestLock(dbDir: string): Promise<{ n: number } | undefined> {
  let best: number | undefined;
  for (const name of await fs.readdir(dbDir)) {
    const match = LOCK_FILE.exec(name);
    if (match && (best === undefined || Number(match[1]) > best)) best = Number(match[1]);
  }
  return best === undefined ? undefined : { n: best };
}

/** Writes the file whole before it appears (link of a finished temporary), or returns false if it exists. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await fs.writeFile(temporary, content);
  try {
    await fs.link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function readHolder(file: string): Promise<LockHolder | 'gone' | 'damaged'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return 'gone';
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder?.pid === 'number' ? holder : 'damaged';
  } catch {
    return 'damaged';
  }
}

function currentHolder(): LockHolder {
  return {
    pid: process.pid,
    host: os.hostname(),
    processStart: processStartOf(process.pid),
    startedAt: new Date().toISOString(),
  };
}

/**
 * Boot id and start tick of a Linux process (from /proc), or undefined elsewhere. Together with the
 * pid they name one process for good: pids are reused, (boot, start tick, pid) are not.
 */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}:${startTicks}`;
  } catch {
    return undefined;
  }
}

function isAlive(holder: LockHolder): boolean {
  // A lock from another host (a shared folder) cannot be checked: treat it as held.
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid runs; it is the holder only if it is the same process, not a later one given that pid.
  if (holder.processStart === undefined) return true;
  const now = processStartOf(holder.pid);
  return now === undefined || now === holder.processStart;
}

function lockedError(dbDir: string, holder: LockHolder): RepoSageError {
  return new RepoSageError(
    'INDEX_LOCKED',
    `Another RepoSage process (pid ${holder.pid}, since ${holder.startedAt}) is updating the index in ${dbDir}.`,
    'Wait for it to finish, or close the other window that indexes this folder.',
  );
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10 * (attempt + 1)));
}
