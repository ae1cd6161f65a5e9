import { RepoSageError } from '../errors';
import { DEFAULT_MAX_ANSWER_TOKENS, DEFAULT_MAX_CONTEXT_TOKENS } from '../defaults';

/**
 * A rough token count for text the chat model reads. The chat model's tokenizer is not available
 * locally (Ollama exposes none over its API, and it differs per model), so this estimates: code and
 * English run about 3.5-4 characters per token in the BPE vocabularies of Qwen, Llama and similar
 * models; dividing by 3.5 over-counts a little, which errs towards fitting the window.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

/** A message in the prompt: its content plus the role markers and separators the chat template adds. */
export function messageTokens(content: string): number {
  return estimateTokens(content) + 8;
}

/** Used when the model does not report its context length. */
export const FALLBACK_CONTEXT_TOKENS = 4096;

export interface PromptBudget {
  /** The window asked of Ollama (num_ctx). */
  window: number;
  /** Tokens kept free for the answer (num_predict). */
  answer: number;
  /** For the retrieved context blocks. */
  context: number;
  /** For earlier turns of the conversation. */
  history: number;
}

export interface BudgetInput {
  /** What the model reports (showModel → contextLength); undefined when it reports nothing. */
  modelContextLength?: number;
  maxContextTokens?: number;
  /** Cap on the answer (default DEFAULT_MAX_ANSWER_TOKENS). */
  maxAnswerTokens?: number;
  /** Tokens every prompt spends regardless of retrieval: system prompt, question, selection. */
  fixedTokens: number;
  /** Tokens the conversation so far would take in full. */
  historyTokens: number;
}

/** History never takes more than this share of what is left after the fixed parts and the answer. */
const HISTORY_SHARE = 0.25;

/**
 * Splits the model's window: first the answer reserve (a quarter of the window, at least 256
 * tokens, at most the answer cap), then the fixed parts, then history (at most a quarter of the rest, and only what it
 * needs), and everything left goes to retrieved context.
 */
export function planBudget(input: BudgetInput): PromptBudget {
  const window = Math.min(
    input.modelContextLength ?? FALLBACK_CONTEXT_TOKENS,
    input.maxContextTokens ?? DEFAULT_MAX_CONTEXT_TOKENS,
  );
  const answer = Math.min(input.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS, Math.max(256, Math.floor(window / 4)));
  const available = window - answer - input.fixedTokens;
  // Less than this leaves no room for even one block of code to answer from.
  if (available < 256) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `The question (with the selection) takes about ${input.fixedTokens} tokens, too much for the model's ` +
        `${window}-token window.`,
      'Ask a shorter question, select less code, or use a model with a larger context window.',
    );
  }
  const history = Math.min(input.historyTokens, Math.floor(available * HISTORY_SHARE));
  return { window, answer, context: available - history, history };
}
