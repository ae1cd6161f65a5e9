import { languageForPath } from '../languages/registry';
import type { ChatMessage } from '../ollama';
import type { ContextBlock } from '../retrieval/pack';
import type { ChatTurn, EditorSelection } from './types';

/** Short on purpose: small local models follow a few plain rules better than a long brief. */
export const SYSTEM_PROMPT = [
  "You are RepoSage, an assistant that answers questions about the user's code repository.",
  'Answer from the numbered context blocks in the last message. Where they disagree with what you know, ' +
    'trust the context: it is the code as it is now.',
  'Cite the blocks you used as [n], for example [2] or [1][3], right after the statement they support.',
  'If the context does not contain the answer, say so plainly instead of guessing.',
  'Be concise. Use Markdown, with code in fenced blocks.',
].join('\n');

/** What the prompt shows of a context block: its number, where it is from, and its code. */
export type ShownBlock = Pick<ContextBlock, 'n' | 'path' | 'startLine' | 'endLine' | 'text'>;

export interface AnswerPromptParts {
  question: string;
  /** Earlier turns, already trimmed to the budget, oldest first. */
  history: readonly ChatTurn[];
  /** The packed retrieval context, in the order the model should read it. */
  blocks: readonly ShownBlock[];
  selection?: EditorSelection;
}

/**
 * The messages for one answer: the system prompt, the conversation so far, then one user message
 * holding the context and, right after it, the question, so the model reads the question with the
 * code fresh before it rather than after a wall of instructions.
 */
export function buildAnswerMessages(parts: AnswerPromptParts): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    ...parts.history.map((turn) => ({ role: turn.role, content: turn.content })),
    { role: 'user', content: questionMessage(parts) },
  ];
}

/** The last user message: the retrieved blocks, the selection, then the question. */
export function questionMessage(parts: Pick<AnswerPromptParts, 'question' | 'blocks' | 'selection'>): string {
  const context =
    parts.blocks.length > 0
      ? parts.blocks.map(formatBlock).join('\n\n')
      : '(No code in the repository matched this question.)';
  const sections = [`Context from the repository:\n\n${context}`];
  if (parts.selection) sections.push(formatSelection(parts.selection));
  sections.push(`Question: ${parts.question.trim()}`);
  return sections.join('\n\n');
}

/** `[n] path:start-end` and the code in a fence tagged with its language. */
export function formatBlock(block: ShownBlock): string {
  return `[${block.n}] ${block.path}:${block.startLine}-${block.endLine}\n${fenced(block.path, block.text)}`;
}

/** The user's selection is context too, but not a retrieved source: it gets no number to cite. */
export function formatSelection(selection: EditorSelection): string {
  return (
    `Selected by the user in the editor, ` +
    `${selection.path}:${selection.startLine}-${selection.endLine}:\n${fenced(selection.path, selection.text)}`
  );
}

function fenced(filePath: string, code: string): string {
  // A fence longer than any backtick run inside the code, so Markdown files with fences stay whole.
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  // VS Code's language ids (typescript, python, …) read well as fence tags, to models and renderers alike.
  return `${fence}${languageForPath(filePath) ?? ''}\n${code.replace(/\n$/, '')}\n${fence}`;
}
