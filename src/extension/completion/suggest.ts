import type { CompletionSession } from '../../core/completion';
import {
  type EditorPosition,
  type InlineSuggestion,
  type SelectedSuggestion,
  planCompletion,
  suggestionFor,
} from './inline-edit';
import type { ProblemLatch } from './problems';

export interface SuggestRequest {
  /** Relative to the document's workspace folder, POSIX separators: what the session and its index call the file. */
  path: string;
  text: string;
  cursor: EditorPosition;
  selected?: SelectedSuggestion;
}

/**
 * One inline suggestion, from request to what VS Code shows, without VS Code's types: skipped while
 * a failure holds, asked of the session, the failure or the recovery recorded in `problems`. Never
 * rejects: a failure shows in the status bar, not as an error from the provider.
 */
export async function suggestInline(
  session: Pick<CompletionSession, 'complete'>,
  problems: ProblemLatch,
  request: SuggestRequest,
  signal: AbortSignal,
  clock: () => number = Date.now,
): Promise<InlineSuggestion | undefined> {
  if (problems.holds(clock())) return undefined;
  const plan = planCompletion(request.text, request.cursor, request.selected);
  if (!plan) return undefined;
  try {
    const result = await session.complete({ path: request.path, text: plan.text, offset: plan.offset }, signal);
    if (!result) return undefined;
    problems.clear();
    return suggestionFor(plan, result.completion);
  } catch (error) {
    problems.fail(error, clock());
    return undefined;
  }
}
