import { pipeline, type DataType, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { throwIfCancelled } from '../errors';
import { loadModel, sessionOptions } from './load-model';
import { DEFAULT_EMBEDDING_MODEL, type Embedder, type ModelLocation } from './types';

export interface EmbedderOptions extends ModelLocation {
  /** Defaults to DEFAULT_EMBEDDING_MODEL. */
  modelId?: string;
  /** Which ONNX weights to load: q8 reads onnx/model_quantized.onnx, fp32 onnx/model.onnx. Defaults to q8. */
  dtype?: DataType;
  /** Texts per model call. Defaults to 32. */
  batchSize?: number;
}

/** Loads a sentence-embedding model: mean-pooled, L2-normalised vectors, one per text. */
export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const modelId = options.modelId ?? DEFAULT_EMBEDDING_MODEL;
  const batchSize = options.batchSize ?? 32;
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
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        throwIfCancelled(signal);
        vectors.push(...(await embedBatch(extractor, texts.slice(start, start + batchSize))));
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
