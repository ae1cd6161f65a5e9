import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AutoModel, AutoTokenizer, Tensor } from '@huggingface/transformers';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/core/defaults';
import { loadModel, sessionOptions } from '../../src/core/embedding/load-model';
import { type StaticTableHeader, encodeStaticTable, staticTablePath } from '../../src/core/embedding/static-embedder';
import { testModels } from '../support/models';
import { printTable } from './table';

/** Where the shipped table lives in the sources (the build copies the folder to dist/). */
const SHIPPED_DIR = path.resolve('src/core/embedding/static-embedding');

/**
 * Dimensions kept by PCA. 256 is model2vec's default; at one byte per value the table for BERT's
 * 30,522 tokens is 7.9 MB, within the 8 MB the VSIX can spare.
 */
const DIMENSIONS = 256;
/**
 * The SIF coefficient: a token's weight is a / (a + p), p its Zipf probability by rank. model2vec's
 * default is 1e-4; on the static-pass bench (django/db, 200 held-out questions) 1e-5 found more:
 * dense recall@10 0.345 against 0.27 (3e-5 0.335, 3e-6 0.335, 1e-6 0.32, 1e-3 0.19, none 0.17).
 */
const SIF_COEFFICIENT = 1e-5;
/** Tokens per model call (each is three positions long: [CLS] token [SEP]). */
const TOKENS_PER_CALL = 256;

/**
 * `npm run bench -- distill-static`: distils the static embedding table from the bundled
 * transformer, the model2vec method, and rewrites the shipped table. Every token of the vocabulary
 * is embedded alone ([CLS] token [SEP]) and its own position's output kept (on the static-pass bench,
 * dense recall@10 0.27 against 0.25 for the mean over the three positions), the vectors are
 * reduced by PCA, weighted by SIF over the token's Zipf rank (BERT's vocabulary is in frequency
 * order past its specials), and stored as int8 with one scale per row. Deterministic for given weights.
 */
export async function distillStatic(): Promise<void> {
  const modelId = DEFAULT_EMBEDDING_MODEL;
  const { modelsDir } = testModels();
  const started = performance.now();
  const tokenizer = await loadModel(modelId, modelsDir, () => AutoTokenizer.from_pretrained(modelId));
  const model = await loadModel(modelId, modelsDir, () =>
    AutoModel.from_pretrained(modelId, { dtype: 'q8', session_options: sessionOptions }),
  );
  const vocab = tokenizer.get_vocab() as Map<string, number>;
  const vocabSize = vocab.size;
  const cls = vocab.get('[CLS]')!;
  const sep = vocab.get('[SEP]')!;

  let width = 0;
  let vectors = new Float64Array(0);
  for (let start = 0; start < vocabSize; start += TOKENS_PER_CALL) {
    const count = Math.min(TOKENS_PER_CALL, vocabSize - start);
    const ids = new BigInt64Array(count * 3);
    for (let i = 0; i < count; i++) ids.set([BigInt(cls), BigInt(start + i), BigInt(sep)], i * 3);
    const output = await model({
      input_ids: new Tensor('int64', ids, [count, 3]),
      attention_mask: new Tensor('int64', new BigInt64Array(count * 3).fill(1n), [count, 3]),
      token_type_ids: new Tensor('int64', new BigInt64Array(count * 3), [count, 3]),
    });
    const hidden = output.last_hidden_state as Tensor;
    const data = hidden.data as Float32Array;
    if (width === 0) {
      width = hidden.dims[2];
      vectors = new Float64Array(vocabSize * width);
    }
    for (let i = 0; i < count; i++) {
      // Position 1 of [CLS] token [SEP].
      vectors.set(data.subarray((i * 3 + 1) * width, (i * 3 + 2) * width), (start + i) * width);
    }
    hidden.dispose();
  }
  await model.dispose();
  const embeddedMs = performance.now() - started;

  const { projected, explained } = pca(vectors, vocabSize, width, DIMENSIONS);
  weighBySif(projected, vocabSize, DIMENSIONS);
  const { scales, rows } = quantize(projected, vocabSize, DIMENSIONS);
  const header: StaticTableHeader = {
    format: 1,
    baseModel: modelId,
    dimension: DIMENSIONS,
    vocabSize,
    method:
      `model2vec: each token of ${modelId} (q8) embedded alone, its own position's output; ` +
      `PCA ${width} to ${DIMENSIONS} ` +
      `dimensions; SIF weights a/(a+p), a=${SIF_COEFFICIENT}, p by Zipf rank; int8 with one scale per row`,
  };
  const file = staticTablePath(modelId, SHIPPED_DIR);
  await fs.mkdir(SHIPPED_DIR, { recursive: true });
  await fs.writeFile(file, encodeStaticTable(header, scales, rows));
  printTable([
    {
      table: path.relative(process.cwd(), file),
      tokens: vocabSize,
      dimensions: `${width} → ${DIMENSIONS}`,
      'variance kept': explained,
      'MB (goal ≤ 8)': (await fs.stat(file)).size / 1e6,
      'embed s': embeddedMs / 1000,
      'total s': (performance.now() - started) / 1000,
    },
  ]);
}

/** Principal components of the rows (centred), the first `keep` of them, and the share of variance they hold. */
function pca(
  data: Float64Array,
  count: number,
  width: number,
  keep: number,
): { projected: Float64Array; explained: number } {
  const mean = new Float64Array(width);
  for (let i = 0; i < count; i++) for (let d = 0; d < width; d++) mean[d] += data[i * width + d] / count;
  for (let i = 0; i < count; i++) for (let d = 0; d < width; d++) data[i * width + d] -= mean[d];
  const covariance = new Float64Array(width * width);
  for (let i = 0; i < count; i++) {
    const row = i * width;
    for (let a = 0; a < width; a++) {
      const value = data[row + a];
      if (value === 0) continue;
      for (let b = a; b < width; b++) covariance[a * width + b] += value * data[row + b];
    }
  }
  for (let a = 0; a < width; a++) for (let b = a; b < width; b++) covariance[b * width + a] = covariance[a * width + b];
  const { values, vectors } = symmetricEigen(covariance, width);
  const order = [...values.keys()].sort((a, b) => values[b] - values[a]).slice(0, keep);
  const total = values.reduce((sum, value) => sum + value, 0);
  const projected = new Float64Array(count * keep);
  for (let i = 0; i < count; i++) {
    for (const [k, component] of order.entries()) {
      let sum = 0;
      for (let d = 0; d < width; d++) sum += data[i * width + d] * vectors[d * width + component];
      projected[i * keep + k] = sum;
    }
  }
  return { projected, explained: order.reduce((sum, c) => sum + values[c], 0) / total };
}

/** Cyclic Jacobi rotations: eigenvalues, and eigenvectors as the columns of a row-major matrix. */
function symmetricEigen(matrix: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += a[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    }
    if (off <= 1e-24 * diagonal) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

/** Row i (the i-th most frequent token) weighed by a / (a + p_i), p_i ∝ 1 / (i + 2): common tokens count less. */
function weighBySif(rows: Float64Array, count: number, width: number): void {
  let total = 0;
  for (let i = 0; i < count; i++) total += 1 / (i + 2);
  for (let i = 0; i < count; i++) {
    const weight = SIF_COEFFICIENT / (SIF_COEFFICIENT + 1 / (i + 2) / total);
    for (let d = 0; d < width; d++) rows[i * width + d] *= weight;
  }
}

function quantize(data: Float64Array, count: number, width: number): { scales: Float32Array; rows: Int8Array } {
  const scales = new Float32Array(count);
  const rows = new Int8Array(count * width);
  for (let i = 0; i < count; i++) {
    let max = 0;
    for (let d = 0; d < width; d++) max = Math.max(max, Math.abs(data[i * width + d]));
    const scale = max / 127 || 1;
    scales[i] = scale;
    for (let d = 0; d < width; d++) rows[i * width + d] = Math.round(data[i * width + d] / scale);
  }
  return { scales, rows };
}
