import {
  AutoModelForSequenceClassification,
  AutoTokenizer,
  type DataType,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { throwIfCancelled } from '../errors';
import { loadModel, sessionOptions } from './load-model';
import type { ModelLocation, Reranker } from './types';
import { DEFAULT_RERANK_MODEL } from '../defaults';

export interface RerankerOptions extends ModelLocation {
  /** A single-logit cross-encoder (the ms-marco family). Defaults to DEFAULT_RERANK_MODEL. */
  modelId?: string;
  /** Which ONNX weights to load: q8 reads onnx/model_quantized.onnx, fp32 onnx/model.onnx. Defaults to q8. */
  dtype?: DataType;
  /** (query, passage) pairs per model call. Defaults to 32. */
  batchSize?: number;
}

/** Loads a cross-encoder that scores each (query, passage) pair with one relevance logit. */
export async function createReranker(options: RerankerOptions = {}): Promise<Reranker> {
  const modelId = options.modelId ?? DEFAULT_RERANK_MODEL;
  const batchSize = options.batchSize ?? 32;
  const { tokenizer, model } = await loadModel(modelId, options.modelsDir, async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(modelId);
    const model = await AutoModelForSequenceClassification.from_pretrained(modelId, {
      dtype: options.dtype ?? 'q8',
      session_options: sessionOptions,
    });
    if (!hasSingleScore(model)) {
      await model.dispose();
      throw new Error(
        `${modelId} is not a cross-encoder with a single relevance score (see id2label in its config.json).`,
      );
    }
    return { tokenizer, model };
  });
  // Longer pairs are cut at the end, which trims the passage and keeps the query whole.
  const maxLength = Math.min(tokenizer.model_max_length, model.config.max_position_embeddings);

  return {
    modelId,
    async score(query: string, passages: string[], signal?: AbortSignal): Promise<number[]> {
      const scores: number[] = [];
      for (let start = 0; start < passages.length; start += batchSize) {
        throwIfCancelled(signal);
        const batch = passages.slice(start, start + batchSize);
        scores.push(...(await scoreBatch(tokenizer, model, maxLength, query, batch)));
      }
      return scores;
    },
    async dispose(): Promise<void> {
      await model.dispose();
    },
  };
}

async function scoreBatch(
  tokenizer: PreTrainedTokenizer,
  model: PreTrainedModel,
  maxLength: number,
  query: string,
  passages: string[],
): Promise<number[]> {
  const inputs = tokenizer(
    passages.map(() => query),
    { text_pair: passages, padding: true, truncation: true, max_length: maxLength },
  );
  const { logits } = await model(inputs);
  const scores = Array.from(logits.data as Float32Array);
  logits.dispose();
  return scores;
}

/**
 * A classifier with several labels would need a rule for which logit means "relevant"; none is guessed.
 * ms-marco cross-encoders declare their single label; a config without labels (a bare encoder, or
 * a classifier left at the two-label default) is not one.
 */
function hasSingleScore(model: PreTrainedModel): boolean {
  const labels = (model.config as { id2label?: Record<string, string> }).id2label;
  return !!labels && Object.keys(labels).length === 1;
}
