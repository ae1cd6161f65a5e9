import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireIndexLock, currentWriter, processStartOf } from '../../src/core/store/index-lock';
import { repoRoot } from '../support/build-dist';
import { makeTempDir } from '../support/temp-dir';

/** A process that tries to take the lock at an agreed moment, holds it a while, and says whether it got it. */
const CONTENDER = `
import { acquireIndexLock } from './src/core/store/index-lock';
const [dbDir, startAt, holdMs] = process.argv.slice(2);
setTimeout(async () => {
  try {
    const lock = await acquireIndexLock(dbDir);
    process.stdout.write('got');
    await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
    await lock.release();
  } catch (error) {
    process.stdout.write(error.code ?? String(error));
  }
}, Math.max(0, Number(startAt) - Date.now()));
`;

const DEAD_PID = 2 ** 22 + 7;

function staleHolder(pid: number, processStart?: string) {
  return JSON.stringify({ pid, host: os.hostname(), processStart, startedAt: '2020-01-01T00:00:00.000Z' });
}

function run(script: string, args: string[]): Promise<string> {
  // LanceDB (reached through the object-store lock) stays a package, found from the repository's node_modules.
  const env = { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') };
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.on('data', (data) => (out += data));
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}

describe('the index writer lock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let contender: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    contender = path.join(dir, 'contender.js');
    await build({
      stdin: { contents: CONTENDER, loader: 'ts', resolveDir: repoRoot },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: contender,
      external: ['@lancedb/lancedb'],
      logLevel: 'silent',
    });
  });
  afterAll(() => cleanup());

  // The bug this guards against: taking over a stale lock by delete-and-recreate let two processes
  // both "acquire" it in a third of the trials.
  it('stays exclusive when many processes race to take over a stale lock', async () => {
    const trials = 3;
    const contenders = 8;
    for (let trial = 0; trial < trials; trial++) {
      const dbDir = path.join(dir, `race-${trial}`);
      await fs.mkdir(dbDir);
      await fs.writeFile(path.join(dbDir, 'index-1.lock'), staleHolder(DEAD_PID));
      // Every process has loaded by then, so they all reach for the lock within a few milliseconds.
      const startAt = String(Date.now() + 5000);
      const outcomes = await Promise.all(
        Array.from({ length: contenders }, () => run(contender, [dbDir, startAt, '6000'])),
      );
      expect(
        outcomes.filter((outcome) => outcome === 'got'),
        `trial ${trial}: ${outcomes.join(', ')}`,
      ).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'INDEX_LOCKED')).toHaveLength(contenders - 1);
      // The stale file is left in place: only its owner ever deletes a lock file.
      expect(await fs.readdir(dbDir)).toContain('index-1.lock');
    }
  }, 180_000);

  it('takes over a lock whose pid now belongs to another process, and respects the live holder', async () => {
    const dbDir = path.join(dir, 'reused');
    await fs.mkdir(dbDir);
    // This very process is alive, but it is not the process that wrote the lock: another start time.
    await fs.writeFile(path.join(dbDir, 'index-1.lock'), staleHolder(process.pid, 'another-boot:12345'));
    const lock = await acquireIndexLock(dbDir);
    expect((await currentWriter(dbDir))?.processStart).toBe(processStartOf(process.pid));
    // Now the holder really is alive: a second writer is refused with what to do.
    await expect(acquireIndexLock(dbDir)).rejects.toMatchObject({
      code: 'INDEX_LOCKED',
      message: expect.stringContaining(`pid ${process.pid}`),
    });
    await lock.release();
    expect(await currentWriter(dbDir)).toBeUndefined();
  });

  it('treats a damaged lock file as stale', async () => {
    const dbDir = path.join(dir, 'damaged');
    await fs.mkdir(dbDir);
    await fs.writeFile(path.join(dbDir, 'index-3.lock'), '{"pid": 12');
    const lock = await acquireIndexLock(dbDir);
    expect(await fs.readdir(dbDir)).toContain('index-4.lock');
    await lock.release();
  });
});
