import { isCancellation, throwIfCancelled } from '../errors';
import { messageTokens } from './budget';
import type { ChatMessage } from '../ollama';
import type { ChatTurn } from './types';

/** One short, non-streamed reply from the chat model. */
export type CompleteFn = (messages: ChatMessage[], signal?: AbortSignal) => Promise<string>;

const CONDENSE_SYSTEM_PROMPT = [
  'You rewrite the last question of a conversation about a code repository as one standalone question that ' +
    'can be searched without the conversation.',
  'Keep every file name, identifier and technical term. Resolve words like "it", "that" or "this function" ' +
    'to what they refer to.',
  'Reply with the rewritten question only.',
].join('\n');

/** Only the recent past matters for what "it" means, and a long prompt here delays every follow-up. */
const CONDENSE_TURNS = 4;
const CONDENSE_CHARS_PER_TURN = 600;
/** A reply longer than this is the model answering instead of rewriting. */
const MAX_CONDENSED_CHARS = 400;

/**
 * The question to search with. A first question is its own query. A follow-up ("and where is it
 * called?") means little to a search engine, so the chat model rewrites it with the history into
 * a standalone question; when that fails or gives nothing usable, the raw question is searched.
 */
export async function standaloneQuery(
  question: string,
  history: readonly ChatTurn[],
  complete: CompleteFn,
  signal?: AbortSignal,
): Promise<string> {
  if (history.length === 0) return question;
  try {
    const reply = await complete(condenseMessages(question, history), signal);
    return cleanCondensed(reply) ?? question;
  } catch (error) {
    if (isCancellation(error)) throw error;
    throwIfCancelled(signal);
    return question;
  }
}

function condenseMessages(question: string, history: readonly ChatTurn[]): ChatMessage[] {
  const transcript = history
    .slice(-CONDENSE_TURNS)
    .map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${clip(turn.content, CONDENSE_CHARS_PER_TURN)}`)
    .join('\n');
  return [
    { role: 'system', content: CONDENSE_SYSTEM_PROMPT },
    {
      role: 'user',
      content: `Conversation:\n${transcript}\n\nLast question: ${question.trim()}\n\nStandalone question:`,
    },
  ];
}

function cleanCondensed(reply: string): string | undefined {
  const line = reply
    .trim()
    .split('\n')[0]
    .replace(/^(standalone question|question)\s*:\s*/i, '')
    .replace(/^["'`]+|["'`]+$/g, '')
    .trim();
  return line.length > 0 && line.length <= MAX_CONDENSED_CHARS ? line : undefined;
}

function clip(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars)}…`;
}

/** Tokens a list of turns takes in a prompt. */
export function historyTokens(history: readonly ChatTurn[]): number {
  return history.reduce((sum, turn) => sum + messageTokens(turn.content), 0);
}

/**
 * The most recent turns that fit the budget, oldest dropped first. The kept part starts with a
 * user turn, so the model never sees an answer without its question.
 */
export function trimHistory(history: readonly ChatTurn[], budgetTokens: number): ChatTurn[] {
  let start = history.length;
  let used = 0;
  while (start > 0) {
    const cost = historyTokens([history[start - 1]]);
    if (used + cost > budgetTokens) break;
    used += cost;
    start--;
  }
  while (start < history.length && history[start].role !== 'user') start++;
  return history.slice(start);
}
