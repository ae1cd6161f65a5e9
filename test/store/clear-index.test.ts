import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { clearIndex } from '../../src/core/store/clear-index';
import { acquireIndexLock } from '../../src/core/store/index-lock';
import { makeTempDir } from '../support/temp-dir';

const identity = { embeddingModel: 'test/model', dimension: 4, chunkerVersion: 'c1' };

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof RepoSageError ? error.code : undefined;
}

describe('clearIndex', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  it('deletes the index, so opening it reports it missing', async () => {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    store.close();
    (await ChunkStore.openForRead(dir, identity)).close();

    await clearIndex(dir);

    expect(await errorCode(ChunkStore.openForRead(dir, identity))).toBe('INDEX_MISSING');
    // The lock is released: a sync can start right after.
    await (await acquireIndexLock(dir)).release();
  });

  it('refuses while another writer holds the lock, and leaves the index alone', async () => {
    const { store } = await ChunkStore.openForWrite(dir, identity);
    store.close();
    const lock = await acquireIndexLock(dir);
    try {
      expect(await errorCode(clearIndex(dir))).toBe('INDEX_LOCKED');
    } finally {
      await lock.release();
    }
    (await ChunkStore.openForRead(dir, identity)).close();
  });
});
