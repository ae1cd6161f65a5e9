import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedRanker } from '../../src/core/ranking/shipped-ranker';
import {
  type QueryModels,
  type SearchHandle,
  disposeQueryModels,
  loadQueryModelsForIndex,
  openSearch,
} from '../../src/core/retrieval/search-session';
import { type IndexedFixture, indexFixture } from '../support/indexed-fixture';
import { testModels } from '../support/models';

describe('the shipped learned ranker in every search session', () => {
  let fixture: IndexedFixture;
  let models: QueryModels;
  let search: SearchHandle;
  beforeAll(async () => {
    fixture = await indexFixture();
    models = await loadQueryModelsForIndex(fixture.db, { modelsDir: testModels().modelsDir, reranker: 'none' });
    search = await openSearch(fixture.db, models);
  }, 240_000);
  afterAll(async () => {
    search?.close();
    if (models) await disposeQueryModels(models);
    await fixture?.cleanup();
  });

  const question = 'where is the reorder point checked against the stock on hand?';

  it('orders hybrid results by the ranker, and gives each its score', async () => {
    const { chunks, trace } = await search.retriever.retrieve(question, { k: 5 });
    expect(trace.mode).toBe('hybrid');
    // The same fused candidates, scored by the ranker on their own: the session's order is the ranker's.
    const fused = trace.candidates.map((candidate) => ({ ...candidate, score: candidate.scores.fused ?? 0 }));
    const expected = shippedRanker().rerank(question, fused);
    const scores = chunks.map((chunk) => chunk.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(chunks[0].chunk.id).toBe(expected[0].chunk.id);
    expect(chunks[0].score).not.toBe(chunks[0].scores.fused);
  });

  it('leaves the single retrievers as they are, so each still measures itself', async () => {
    const { chunks } = await search.retriever.retrieve(question, { k: 5, mode: 'bm25' });
    expect(chunks.map((chunk) => chunk.score)).toEqual(chunks.map((chunk) => chunk.scores.bm25));
  });
});
