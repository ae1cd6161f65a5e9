import type * as vscode from 'vscode';
import type { EditorSelection } from '../../core/chat/types';
import type { AnswerPart, Turn } from '../../shared/chat-protocol';

export interface AnswerRequest {
  question: string;
  /** Earlier turns of this chat, oldest first, for follow-up questions. */
  history: readonly Turn[];
  /** Editor text the question is about (Ask About Selection, Explain This File). */
  selection?: EditorSelection;
  signal: AbortSignal;
  onPart: (part: AnswerPart) => void;
}

/** What the chat view needs from whatever produces answers: the core's retrieval and chat model. */
export interface Answerer {
  /** Why no question can be answered right now (untrusted, no index yet, ...), if so. */
  unavailableReason(): string | undefined;
  /** What a reader must know about the index answers come from (partial, damaged), if anything. */
  indexNotice(): string | undefined;
  readonly onDidChangeAvailability: vscode.Event<void>;
  /** Streams the answer through onPart; rejects with a RepoSageError (CANCELLED when stopped). */
  answer(request: AnswerRequest): Promise<void>;
  /** The chat model, for error actions such as Pull Model. */
  readonly model: string;
}
