import type { RetrievalTrace } from '../retrieval/types';

/** One message of an earlier exchange, as the user and the model wrote it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** What the user has selected in the editor (or the whole open file), sent along as context. */
export interface EditorSelection {
  /** Workspace-relative, POSIX separators. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

/** Whether a source still says, on disk, what the model was shown. */
export interface Verification {
  verified: boolean;
  /** Why it could not be verified; absent when verified. */
  reason?: string;
}

/** A numbered context block as sent to the model: `[n] path:startLine-endLine`. */
export interface SourceRef {
  n: number;
  path: string;
  startLine: number;
  endLine: number;
}

export type Source = SourceRef & Verification;

/** A source the answer cited with [n]. */
export type Citation = Source;

export interface AskTimings {
  /** Everything before the answer is asked for: model lookup, condensing a follow-up, retrieval, packing. */
  retrieval_ms: number;
  /** From the start of the question to the first piece of the answer; absent when none came. */
  first_token_ms?: number;
  total_ms: number;
}

export interface AskResult {
  answer: string;
  citations: Citation[];
  /** Every block the model was shown, cited or not. */
  sources: Source[];
  model: string;
  timings: AskTimings;
  /** Set when the answer stopped at the token limit instead of finishing. */
  truncated?: true;
}

/** What an answer is waiting for before its first token: the model loading, or the model reading the prompt. */
export type AskStatus =
  | { type: 'status'; stage: 'loading-model'; model: string }
  | { type: 'status'; stage: 'reading-sources'; model: string; sources: number };

export type AskEvent =
  | AskStatus
  /** Retrieval is done: what will be shown to the model, and how it was found. */
  | { type: 'retrieval'; query: string; sources: SourceRef[]; trace: RetrievalTrace }
  /** A piece of the answer as it streams. */
  | { type: 'delta'; text: string }
  | ({ type: 'final' } & AskResult);
