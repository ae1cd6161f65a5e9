import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoSageError } from '../../src/core/errors';
import { createReranker } from '../../src/core/embedding/reranker';
import type { Reranker } from '../../src/core/embedding/types';
import { testModels } from '../support/models';

const models = testModels();
const skipReason = 'skipped: no real cross-encoder was provisioned (see test/support/provision-models.mjs)';
if (!models.rerankModel) console.warn(`reranker tests ${skipReason}`);

describe.skipIf(!models.rerankModel)(
  `createReranker with a real cross-encoder${models.rerankModel ? '' : ` (${skipReason})`}`,
  () => {
    // Each query has exactly one passage that answers it; the others answer the other queries.
    const cases = [
      {
        query: 'How do I read a file line by line in Python?',
        passage: 'Open the file with open() and iterate over it: `for line in f:` yields one line at a time.',
      },
      {
        query: 'What does HTTP status 404 mean?',
        passage: 'A 404 response means the server could not find the requested resource.',
      },
      {
        query: 'How much flour goes into the pancake recipe?',
        passage: 'The pancake recipe calls for two cups of flour, an egg and a pinch of salt.',
      },
      {
        query: 'Why is binary search fast?',
        passage: 'Binary search halves the remaining range at every step, so it needs log2(n) comparisons.',
      },
    ];
    const passages = cases.map((c) => c.passage);
    let reranker: Reranker;

    beforeAll(async () => {
      reranker = await createReranker({ modelId: models.rerankModel!, modelsDir: models.modelsDir });
    });
    afterAll(async () => {
      await reranker?.dispose();
    });

    it('scores the passage that answers each query above all the others', async () => {
      for (const [i, { query }] of cases.entries()) {
        const scores = await reranker.score(query, passages);
        const others = scores.filter((_, j) => j !== i);
        expect(scores[i]).toBeGreaterThan(Math.max(...others) + 1);
      }
    });

    it('returns one score per passage, in input order', async () => {
      const { query } = cases[0];
      const forward = await reranker.score(query, passages);
      const backward = await reranker.score(query, [...passages].reverse());
      expect(forward).toHaveLength(passages.length);
      for (const [i, score] of forward.entries()) {
        expect(backward[passages.length - 1 - i]).toBeCloseTo(score, 3);
      }
    });

    it('scores a passage longer than the model accepts instead of failing', async () => {
      const { query, passage } = cases[0];
      const [score] = await reranker.score(query, [`${passage} ${'filler text '.repeat(600)}`]);
      expect(Number.isFinite(score)).toBe(true);
    });
  },
);

describe('createReranker without a usable model', () => {
  it('refuses a model that is not a single-score cross-encoder', async () => {
    const error = await createReranker({ modelId: models.embeddingModel, modelsDir: models.modelsDir }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect((error as RepoSageError).message).toContain('single relevance score');
  });
});
