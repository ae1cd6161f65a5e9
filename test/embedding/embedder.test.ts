import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoSageError } from '../../src/core/errors';
import { batchesByLength, createEmbedder } from '../../src/core/embedding/embedder';
import type { Embedder } from '../../src/core/embedding/types';
import { testModels } from '../support/models';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

describe('createEmbedder with the real all-MiniLM-L6-v2', () => {
  const models = testModels();
  let embedder: Embedder;

  beforeAll(async () => {
    embedder = await createEmbedder({ modelId: models.embeddingModel, modelsDir: models.modelsDir });
  });
  afterAll(async () => {
    await embedder?.dispose();
  });

  it('produces unit-length vectors of the model width', async () => {
    const vectors = await embedder.embed(['const x = 1;', 'A short sentence about nothing in particular.']);
    expect(embedder.dimension).toBe(384);
    expect(vectors).toHaveLength(2);
    for (const v of vectors) {
      expect(v).toHaveLength(384);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
  });

  it('places a paraphrase far closer than an unrelated sentence', async () => {
    const [question, paraphrase, unrelated] = await embedder.embed([
      'How do I read a file line by line?',
      'Reading a text file one line at a time',
      'The recipe calls for two cups of flour and an egg.',
    ]);
    const close = cosine(question, paraphrase);
    const far = cosine(question, unrelated);
    // Measured: about 0.81 against about -0.05.
    expect(close).toBeGreaterThan(0.7);
    expect(close - far).toBeGreaterThan(0.5);
  });

  it('gives the same vectors in a batch as one at a time, in input order', async () => {
    const texts = [
      'function parse(input: string) { return JSON.parse(input); }',
      'Reading a text file one line at a time',
      'The cache is invalidated whenever a file changes on disk.',
    ];
    const batched = await embedder.embed(texts);
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embed([text]);
      // int8 activations are quantised per call, so padding in a batch moves values slightly.
      expect(cosine(batched[i], single)).toBeGreaterThan(0.999);
    }
  });

  it('splits long inputs into batches and keeps their order', async () => {
    const small = await createEmbedder({ modelId: models.embeddingModel, modelsDir: models.modelsDir, batchSize: 2 });
    try {
      const texts = ['alpha beta', 'graph traversal', 'unit test', 'database index', 'HTTP server'];
      const split = await small.embed(texts);
      const whole = await embedder.embed(texts);
      expect(split).toHaveLength(texts.length);
      for (const [i, v] of split.entries()) expect(cosine(v, whole[i])).toBeGreaterThan(0.999);
    } finally {
      await small.dispose();
    }
  });

  it('returns nothing for no texts', async () => {
    expect(await embedder.embed([])).toEqual([]);
  });

  it('stops between batches once the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(['one', 'two'], controller.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('batchesByLength', () => {
  it('batches short texts up to the batch size, shortest first', () => {
    const lengths = [90, 20, 100, 30, 40, 50, 60, 70, 80, 10];
    expect(batchesByLength(lengths, 8)).toEqual([
      [9, 1, 3, 4, 5, 6, 7, 8],
      [0, 2],
    ]);
  });

  it('puts fewer long texts in a batch, so a call never holds more than 2 × 256² attention cells', () => {
    expect(batchesByLength([256, 256, 256, 256, 256], 8)).toEqual([[0, 1], [2, 3], [4]]);
    expect(batchesByLength([256, 10, 256, 10], 8)).toEqual([
      [1, 3],
      [0, 2],
    ]);
    expect(batchesByLength(Array(9).fill(128), 8)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [8]]);
    expect(batchesByLength(Array(4).fill(182), 8)).toEqual([[0, 1, 2], [3]]);
  });

  it('gives a text longer than the cell budget a call of its own', () => {
    expect(batchesByLength([512, 512], 8)).toEqual([[0], [1]]);
    expect(batchesByLength([], 8)).toEqual([]);
  });
});

describe('createEmbedder without the requested weights', () => {
  it('reports MODEL_NOT_FOUND when the folder lacks the requested weights', async () => {
    const models = testModels();
    const error = await createEmbedder({ modelsDir: models.modelsDir, dtype: 'fp16' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect((error as RepoSageError).message).toContain('model_fp16.onnx');
  });
});
