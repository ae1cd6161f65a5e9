import { pipeline, type DataType, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { throwIfCancelled } from '../errors';
import { loadModel, sessionOptions } from './load-model';
import type { Embedder, ModelLocation } from './types';
import { DEFAULT_EMBEDDING_MODEL } from '../defaults';

export interface EmbedderOptions extends ModelLocation {
  /** Defaults to DEFAULT_EMBEDDING_MODEL. */
  modelId?: string;
  /** Which ONNX weights to load: q8 reads onnx/model_quantized.onnx, fp32 onnx/model.onnx. Defaults to q8. */
  dtype?: DataType;
  /** Texts per model call. Defaults to 8 (see DEFAULT_BATCH_SIZE). */
  batchSize?: number;
}

/**
 * A batch is padded to its longest text, and attention costs grow with that length. Embedding texts
 * in order of length, in small batches, wastes little on padding: on 640 code-like texts of mixed
 * length (2 cores) batch 32 in input order took 26.4 s and peaked at 2,028 MB; batch 8 sorted by
 * length took 11.6 s and peaked at 530 MB.
 */
const DEFAULT_BATCH_SIZE = 8;

/**
 * The model's attention is not fused: each layer holds about a dozen batch × heads × length² float
 * tensors at once, and onnxruntime's arena keeps the largest call's memory until the model is
 * disposed. Measured (2 cores, int8, RSS over the loaded model): 256-token texts in batches of 8
 * +287 MB, of 4 +140 MB, of 2 +70 MB, with no gain in tokens/s from the larger batches; 128-token
 * texts in batches of 8 +80 MB. So a batch holds at most this many length² cells: up to 8 texts
 * of 128 tokens, 2 of 256 (the longest chunk).
 */
const ATTENTION_CELLS_PER_BATCH = 2 * 256 * 256;

/** Loads a sentence-embedding model: mean-pooled, L2-normalised vectors, one per text. */
export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const modelId = options.modelId ?? DEFAULT_EMBEDDING_MODEL;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const extractor = await loadModel(modelId, options.modelsDir, () =>
    pipeline('feature-extraction', modelId, { dtype: options.dtype ?? 'q8', session_options: sessionOptions }),
  );
  // The width is whatever the model produces, so another embedding model needs no code change.
  const [probe] = await embedBatch(extractor, ['dimension probe']);
  const dimension = probe.length;

  return {
    modelId,
    dimension,
    async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
      const vectors: Float32Array[] = new Array(texts.length);
      for (const batch of batchesByLength(tokenLengths(extractor, texts), batchSize)) {
        throwIfCancelled(signal);
        const batchVectors = await embedBatch(
          extractor,
          batch.map((i) => texts[i]),
        );
        for (const [j, textIndex] of batch.entries()) vectors[textIndex] = batchVectors[j];
      }
      return vectors;
    },
    async dispose(): Promise<void> {
      await extractor.dispose();
    },
  };
}

async function embedBatch(extractor: FeatureExtractionPipeline, texts: string[]): Promise<Float32Array[]> {
  const output = await extractor(texts, { pooling: 'mean', normalize: true });
  const [count, width] = output.dims;
  const data = output.data as Float32Array;
  const vectors = Array.from({ length: count }, (_, i) => data.slice(i * width, (i + 1) * width));
  output.dispose();
  return vectors;
}

/** What the model will read of each text: its tokens, special ones included, cut at the model's limit. */
function tokenLengths(extractor: FeatureExtractionPipeline, texts: string[]): number[] {
  const { tokenizer } = extractor;
  const limit = tokenizer.model_max_length;
  return texts.map((text) => Math.min(tokenizer.encode(text).length, limit));
}

/**
 * Text indices grouped into model calls, shortest first, so a batch is padded to little more than
 * its own texts: at most `batchSize` texts, and at most ATTENTION_CELLS_PER_BATCH length² cells.
 */
export function batchesByLength(lengths: readonly number[], batchSize: number): number[][] {
  const byLength = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  const batches: number[][] = [];
  let batch: number[] = [];
  for (const i of byLength) {
    // Sorted ascending, so the text joining is the batch's longest: it sets the padded length.
    const cells = (batch.length + 1) * lengths[i] ** 2;
    if (batch.length > 0 && (batch.length === batchSize || cells > ATTENTION_CELLS_PER_BATCH)) {
      batches.push(batch);
      batch = [];
    }
    batch.push(i);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
