import type { Reranker } from '../embedding/types';
import type { OllamaClient } from '../ollama/client';

export interface LlmRerankerOptions {
  client: Pick<OllamaClient, 'generate'>;
  /** An installed Ollama model that follows instructions. */
  model: string;
  /** Requests in flight at once (Ollama queues the rest). Default 4. */
  concurrency?: number;
  /** Characters of each passage the model reads. Default 2000 (about 500 tokens). */
  maxPassageChars?: number;
}

/** Alternatives to the first answer token the model is asked to report. */
const TOP_LOGPROBS = 10;
const YES = /^\s*yes\b/i;
const NO = /^\s*no\b/i;

/**
 * A re-ranker from any instruction-following Ollama model: for each passage the model is asked
 * whether it helps answer the question, and the passage scores P(yes) − P(no) of the first answer
 * token, read from the log-probabilities Ollama returns with `top_logprobs` (so a model that
 * always says "yes" still orders passages by how sure it is). Fits the rerank mode as a
 * cross-encoder would; off unless asked for, as it costs one model call per candidate.
 */
export function createLlmReranker(options: LlmRerankerOptions): Reranker {
  const concurrency = options.concurrency ?? 4;
  const maxChars = options.maxPassageChars ?? 2000;
  const scoreOne = async (query: string, passage: string, signal?: AbortSignal): Promise<number> => {
    const completion = await options.client.generate({
      model: options.model,
      prompt: relevancePrompt(query, passage.slice(0, maxChars)),
      options: { temperature: 0, num_predict: 1 },
      topLogprobs: TOP_LOGPROBS,
      signal,
    });
    return yesMinusNo(completion.logprobs?.[0]?.top ?? [], completion.text);
  };
  return {
    modelId: `ollama:${options.model}`,
    async score(query, passages, signal) {
      const scores = new Array<number>(passages.length);
      let next = 0;
      const worker = async () => {
        while (next < passages.length) {
          const index = next++;
          scores[index] = await scoreOne(query, passages[index], signal);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, passages.length) }, worker));
      return scores;
    },
    async dispose() {},
  };
}

export function relevancePrompt(query: string, passage: string): string {
  return [
    'Does the code below help answer the question? Answer with one word: yes or no.',
    '',
    `Question: ${query}`,
    '',
    'Code:',
    passage,
    '',
    'Answer (yes or no):',
  ].join('\n');
}

/** P(yes) − P(no) over the first token's alternatives; without log-probabilities, the answer itself. */
export function yesMinusNo(top: ReadonlyArray<{ token: string; logprob: number }>, text: string): number {
  if (top.length === 0) return YES.test(text) ? 1 : NO.test(text) ? -1 : 0;
  let yes = 0;
  let no = 0;
  for (const { token, logprob } of top) {
    if (YES.test(token)) yes += Math.exp(logprob);
    else if (NO.test(token)) no += Math.exp(logprob);
  }
  return yes - no;
}
