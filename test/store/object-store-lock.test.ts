import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { connectIndex } from '../../src/core/store/location';
import { acquireObjectStoreLock, openLockQueue } from '../../src/core/store/object-store-lock';
import { type RealMinio, startMinio } from '../support/real-minio';

let minio: RealMinio;
const savedEnv = { ...process.env };

beforeAll(async () => {
  minio = await startMinio();
  await minio.createBucket('team');
  Object.assign(process.env, minio.env);
}, 30 * 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await minio?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lockRows(uri: string): Promise<Array<{ owner: string }>> {
  const table = await (await connectIndex(uri)).openTable('reposage_writer_lock');
  try {
    return (await table.query().toArray()) as Array<{ owner: string }>;
  } finally {
    table.close();
  }
}

describe('the writer lock of an index in object storage (real MinIO)', () => {
  it('lets racing writers in one at a time, starting from no lock table at all', async () => {
    const uri = 's3://team/lock-race';
    let holding = 0;
    let mostAtOnce = 0;
    let served = 0;
    // LanceDB's own create lets two racing creators both succeed; this is the case the queue exists for.
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const lock = await acquireObjectStoreLock(uri);
        holding++;
        mostAtOnce = Math.max(mostAtOnce, holding);
        await sleep(300);
        holding--;
        served++;
        await lock.release();
      }),
    );
    expect(served).toBe(5);
    expect(mostAtOnce).toBe(1);
    // Every writer took its rows with it: only the row that dates the table is left.
    expect(await lockRows(uri)).toEqual([expect.objectContaining({ owner: '', pid: 0 })]);
  }, 120_000);

  it('opens the lock table for every writer racing to create it', async () => {
    // LanceDB refuses the third of several racing creates as a commit conflict (a quarter of rounds
    // of five, on MinIO); twenty rounds make missing that case all but certain to fail here.
    for (let round = 0; round < 20; round++) {
      const uri = `s3://team/lock-create-${round}`;
      const tables = await Promise.all(Array.from({ length: 5 }, async () => openLockQueue(await connectIndex(uri))));
      for (const table of tables) table.close();
    }
    expect(await lockRows('s3://team/lock-create-19')).toEqual([expect.objectContaining({ owner: '' })]);
  }, 120_000);

  it('skips a killed writer once its heartbeat is stale, and removes its rows', async () => {
    const uri = 's3://team/lock-stale';
    const timing = { heartbeatMs: 200, staleMs: 1_500 };
    await (await acquireObjectStoreLock(uri, timing)).release();
    // A writer that queued and then died: one ticket row, no heartbeat after it.
    const table = await (await connectIndex(uri)).openTable('reposage_writer_lock');
    await table.add([{ owner: 'killed-job', host: 'ci-runner-7', pid: 4242, at_ms: Date.now() }]);
    table.close();

    const started = Date.now();
    const lock = await acquireObjectStoreLock(uri, timing);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect((await lockRows(uri)).map((row) => row.owner)).not.toContain('killed-job');
    await lock.release();
  }, 60_000);

  it('gives up after waiting, naming the writer that holds it, and leaves the queue', async () => {
    const uri = 's3://team/lock-wait';
    const holder = await acquireObjectStoreLock(uri);
    const owners = (await lockRows(uri)).map((row) => row.owner);

    const error = await acquireObjectStoreLock(uri, { waitMs: 1_500 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RepoSageError);
    expect(error).toMatchObject({ code: 'INDEX_LOCKED' });
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect(new Set((await lockRows(uri)).map((row) => row.owner))).toEqual(new Set(owners));

    await holder.release();
    const next = Date.now();
    await (await acquireObjectStoreLock(uri)).release();
    // The table is young, so the next writer settles before holding; nothing else stands in its way.
    expect(Date.now() - next).toBeLessThan(10_000);
  }, 60_000);
});
