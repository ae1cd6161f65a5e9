import { RepoSageError } from '../errors';
import type { OllamaClient } from '../ollama';
import { packContext } from '../retrieval/pack';
import type { RetrievalMode, Retriever } from '../retrieval/types';
import { estimateTokens, messageTokens, planBudget } from './budget';
import { citedSources, verifySources } from './citations';
import { historyTokens, standaloneQuery, trimHistory, type CompleteFn } from './conversation';
import { SYSTEM_PROMPT, buildAnswerMessages, questionMessage } from './prompt';
import type { AskEvent, AskStatus, ChatTurn, EditorSelection } from './types';
import { DEFAULT_KEEP_ALIVE, DEFAULT_ANSWER_K } from '../defaults';

export interface AskInput {
  question: string;
  /** Earlier turns of this conversation, oldest first. */
  history?: readonly ChatTurn[];
  selection?: EditorSelection;
}

export interface AskDeps {
  retriever: Retriever;
  ollama: Pick<OllamaClient, 'showModel' | 'isLoaded' | 'loadModel' | 'chat' | 'chatStream'>;
  /** The Ollama chat model, e.g. DEFAULT_CHAT_MODEL. */
  model: string;
  /** The workspace root: sources are verified against the files under it. */
  root: string;
  /** Chunks to retrieve (default DEFAULT_ANSWER_K); packing merges neighbours and leaves out what does not fit. */
  k?: number;
  /** Default: the retriever's own (rerank when it has a cross-encoder). */
  mode?: RetrievalMode;
  /** How many fused candidates the cross-encoder sees (default: the retriever's own). */
  rerankCandidates?: number;
  /** Cap on the window asked of Ollama (default DEFAULT_MAX_CONTEXT_TOKENS). */
  maxContextTokens?: number;
  /** Cap on the answer's tokens (default DEFAULT_MAX_ANSWER_TOKENS): what a user waits for at most. */
  maxAnswerTokens?: number;
  /** How long Ollama keeps the model loaded afterwards (default DEFAULT_KEEP_ALIVE). */
  keepAlive?: string | number;
}

/** The `[n] path:start-end` line and the fence around each block's code. */
const BLOCK_OVERHEAD_TOKENS = 24;
/** A standalone question is one sentence; a longer reply is cut rather than waited for. */
const CONDENSE_MAX_TOKENS = 96;

/**
 * Answers a question about the repository: finds the code (rewriting a follow-up into a standalone
 * query first), shows it to the chat model as numbered blocks, streams the answer, and checks every
 * block the model was shown against the files as they are now. Errors from Ollama arrive as the
 * RepoSageErrors its client throws; cancelling the signal, or leaving the loop early, ends the request.
 */
export async function* askQuestion(
  input: AskInput,
  deps: AskDeps,
  signal?: AbortSignal,
): AsyncGenerator<AskEvent, void, undefined> {
  const started = performance.now();
  const question = input.question.trim();
  if (question.length === 0)
    throw new RepoSageError('INVALID_INPUT', 'The question is empty.', 'Type a question about the code.');
  const { model, keepAlive = DEFAULT_KEEP_ALIVE } = deps;
  const history = input.history ?? [];

  // First, so a missing model or a stopped server is reported before any work.
  const info = await deps.ollama.showModel(model, signal);
  const budget = planBudget({
    modelContextLength: info.contextLength,
    maxContextTokens: deps.maxContextTokens,
    maxAnswerTokens: deps.maxAnswerTokens,
    fixedTokens:
      messageTokens(SYSTEM_PROMPT) +
      messageTokens(questionMessage({ question, blocks: [], selection: input.selection })),
    historyTokens: historyTokens(history),
  });
  // Both calls ask for the same window: Ollama reloads a model whose num_ctx changes.
  const options = { num_ctx: budget.window };
  // Loading is its own step so the wait can be named: a cold 7B model on a CPU takes a while.
  if (!(await deps.ollama.isLoaded(model, signal))) {
    yield { type: 'status', stage: 'loading-model', model };
    await deps.ollama.loadModel({ model, options, keepAlive, signal });
  }

  const complete: CompleteFn = async (messages, callSignal) =>
    (
      await deps.ollama.chat({
        model,
        messages,
        options: { ...options, temperature: 0, num_predict: CONDENSE_MAX_TOKENS },
        keepAlive,
        signal: callSignal,
      })
    ).text;
  const query = await standaloneQuery(question, history, complete, signal);
  const retrieval = await deps.retriever.retrieve(query, {
    k: deps.k ?? DEFAULT_ANSWER_K,
    mode: deps.mode,
    rerankCandidates: deps.rerankCandidates,
    signal,
  });
  const pieces = retrieval.chunks.map((candidate) => candidate.chunk);
  const countTokens = (text: string) => estimateTokens(text) + BLOCK_OVERHEAD_TOKENS;
  // Pieces rank better than whole declarations; the model reads better with the whole one.
  const chunks = deps.retriever.wholeUnits
    ? await deps.retriever.wholeUnits(pieces, { maxTokens: Math.floor(budget.context / 2), countTokens })
    : pieces;
  const { blocks } = packContext(chunks, { budgetTokens: budget.context, countTokens });
  const retrievalMs = performance.now() - started;
  yield {
    type: 'retrieval',
    query,
    sources: blocks.map(({ n, path, startLine, endLine }) => ({ n, path, startLine, endLine })),
    trace: retrieval.trace,
  };

  // Until the first token the model reads the prompt, which grows with the sources.
  yield { type: 'status', stage: 'reading-sources', model, sources: blocks.length };
  const messages = buildAnswerMessages({
    question,
    history: trimHistory(history, budget.history),
    blocks,
    selection: input.selection,
  });
  const stream = deps.ollama.chatStream({
    model,
    messages,
    options: { ...options, num_predict: budget.answer },
    keepAlive,
    signal,
  });
  let answer = '';
  let firstTokenMs: number | undefined;
  for await (const text of stream) {
    firstTokenMs ??= performance.now() - started;
    answer += text;
    yield { type: 'delta', text };
  }

  const sources = await verifySources(deps.root, blocks, chunks);
  yield {
    type: 'final',
    answer,
    citations: citedSources(answer, sources),
    sources,
    model,
    timings: {
      retrieval_ms: Math.round(retrievalMs),
      ...(firstTokenMs === undefined ? {} : { first_token_ms: Math.round(firstTokenMs) }),
      total_ms: Math.round(performance.now() - started),
    },
    ...(stream.completion?.truncated ? { truncated: true as const } : {}),
  };
}

/** The status line a terminal shows, e.g. "loading gemma3-270m…". */
export function statusText(status: AskStatus): string {
  return status.stage === 'loading-model'
    ? `loading ${status.model}…`
    : `${status.model} is reading ${status.sources} source${status.sources === 1 ? '' : 's'}…`;
}
