import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import type { TokenCounter } from '../chunking/chunk';
import { RepoSageError } from '../errors';
import { loadModel } from './load-model';

export interface TokenCounterOptions {
  modelId: string;
  /** Folder in transformers.js layout; without it transformers.js uses its own cache. */
  modelsDir?: string;
  /** Overrides the model's own limit. */
  maxTokens?: number;
}

/**
 * What sentence-transformers reads (its `max_seq_length`), for models whose folder lacks a
 * sentence_bert_config.json. Their tokenizer_config says 512, the BERT position limit, but the model
 * was trained on 256 word pieces and sentence-transformers cuts inputs there.
 */
const KNOWN_LIMITS: Record<string, number> = {
  'Xenova/all-MiniLM-L6-v2': 256,
  'sentence-transformers/all-MiniLM-L6-v2': 256,
};

/** Tokenizers with no real limit report a huge sentinel (1e30); BERT-style models read 512. */
const FALLBACK_LIMIT = 512;

/** The smallest limit that leaves room for a header and some text after the special tokens. */
const MIN_TOKENS = 64;

/**
 * Loads the embedding model's own tokenizer so that chunk sizes are measured exactly as the model
 * will see them. `count` includes the special tokens the model adds ([CLS] and [SEP] for BERT).
 */
export async function createTokenCounter(options: TokenCounterOptions): Promise<TokenCounter> {
  const { modelId, modelsDir } = options;
  const tokenizer = await loadModel(modelId, modelsDir, () => AutoTokenizer.from_pretrained(modelId));
  const maxTokens =
    options.maxTokens ??
    (await sentenceTransformersLimit(modelId, modelsDir)) ??
    KNOWN_LIMITS[modelId] ??
    tokenizerLimit(tokenizer.model_max_length);
  if (!Number.isInteger(maxTokens) || maxTokens < MIN_TOKENS) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `A token limit of ${maxTokens} for ${modelId} is too small to chunk code.`,
      `Use a whole number of at least ${MIN_TOKENS}.`,
    );
  }
  return {
    maxTokens,
    count: (text: string) => tokenizer.encode(text).length,
  };
}

/** sentence-transformers records the length the model was trained on beside the weights. */
async function sentenceTransformersLimit(modelId: string, modelsDir: string | undefined): Promise<number | undefined> {
  if (!modelsDir) return undefined;
  const file = path.join(modelsDir, modelId, 'sentence_bert_config.json');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const limit = (JSON.parse(text) as { max_seq_length?: unknown }).max_seq_length;
    return typeof limit === 'number' ? limit : undefined;
  } catch (error) {
    throw new RepoSageError(
      'MODEL_LOAD_FAILED',
      `${file} is not valid JSON.`,
      "Restore the file from the model's original files.",
      {
        cause: error,
      },
    );
  }
}

function tokenizerLimit(modelMaxLength: unknown): number {
  return typeof modelMaxLength === 'number' && modelMaxLength <= 1_000_000 ? modelMaxLength : FALLBACK_LIMIT;
}
