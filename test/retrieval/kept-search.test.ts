import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { KeptSearch } from '../../src/core/retrieval/kept-search';
import { openSearch, type SearchHandle } from '../../src/core/retrieval/search-session';
import { clearIndex } from '../../src/core/store/clear-index';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';

describe('an index kept open between questions', () => {
  let models: IndexerModels;
  let root: string;
  let dbDir: string;
  let cleanup: () => Promise<void>;
  let opens = 0;
  let closes = 0;
  let kept: KeptSearch;

  const paths = async (handle: SearchHandle, query: string) =>
    (await handle.retriever.retrieve(query, { mode: 'hybrid', k: 5 })).chunks.map((hit) => hit.chunk.path);

  beforeAll(async () => {
    models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    dbDir = path.join(temp.dir, 'index');
    await writeTree(root, {
      'src/billing.py':
        'def compute_invoice_total(lines):\n    """Add up the invoice lines."""\n    return sum(lines)\n',
      'src/shipping.py': 'def shipping_cost(weight):\n    """Cost of sending a parcel."""\n    return weight * 3\n',
    });
    await syncIndex({ root, dbDir }, models);
    kept = new KeptSearch(dbDir, async () => {
      opens++;
      const handle = await openSearch(dbDir, { embedder: models.embedder });
      return {
        ...handle,
        close: () => {
          closes++;
          handle.close();
        },
      };
    });
  });
  afterAll(async () => {
    kept?.close();
    await models?.embedder.dispose();
    await cleanup?.();
  });

  it('opens the index once for many questions, concurrent ones included', async () => {
    const first = await kept.acquire();
    expect(await paths(first, 'invoice total')).toContain('src/billing.py');
    first.close();
    const [second, third] = await Promise.all([kept.acquire(), kept.acquire()]);
    expect(await paths(second, 'parcel shipping cost')).toContain('src/shipping.py');
    expect(await paths(third, 'invoice total')).toContain('src/billing.py');
    second.close();
    third.close();
    expect(opens).toBe(1);
    expect(closes).toBe(0);
  });

  it('re-opens after a re-index, and closes the old index once the search on it is done', async () => {
    const running = await kept.acquire();
    await fs.writeFile(
      path.join(root, 'src/refunds.py'),
      'def refund_payment(order):\n    """Give the customer their money back."""\n    return -order.total\n',
    );
    await syncIndex({ root, dbDir }, models);

    const fresh = await kept.acquire();
    expect(opens).toBe(2);
    expect(await paths(fresh, 'refund payment money back')).toContain('src/refunds.py');
    // The search that began before the re-index still has its index, opened as it was then.
    expect(closes).toBe(0);
    expect(await paths(running, 'refund payment money back')).not.toContain('src/refunds.py');
    running.close();
    expect(closes).toBe(1);
    fresh.close();

    // Nothing changed on disk since: the next question reuses what is open.
    (await kept.acquire()).close();
    expect(opens).toBe(2);
  });

  it('refuses once the index is deleted, saying how to build one, and closes the old one', async () => {
    const closesBefore = closes;
    await clearIndex(dbDir);
    await expect(kept.acquire()).rejects.toMatchObject({ code: 'INDEX_MISSING' });
    // The index it had open is out of date: closed, not kept for the life of the process.
    expect(closes).toBe(closesBefore + 1);
  });
});
