import * as vscode from 'vscode';
import type { CompletionSessions } from './sessions';
import type { ProblemLatch } from './problems';
import { suggestInline } from './suggest';

/**
 * VS Code's side of inline suggestions: translates positions and cancellation, and nothing more.
 * Showing, accepting (Tab) and accepting word by word are VS Code's own; the item's range makes
 * them work (see planCompletion).
 */
export class InlineSuggestionProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly sessions: CompletionSessions,
    private readonly problems: ProblemLatch,
    /** Whether suggestions are wanted in this document now (trust, the switch, the language settings). */
    private readonly wanted: (document: vscode.TextDocument) => boolean,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!this.wanted(document)) return undefined;
    // VS Code cancels when the user types on; the abort stops the model's answer mid-stream.
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) abort.abort();
    try {
      const { session, path } = this.sessions.forDocument(document);
      const selected = context.selectedCompletionInfo;
      const suggestion = await suggestInline(
        session,
        this.problems,
        {
          path,
          text: document.getText(),
          cursor: position,
          selected: selected && { start: selected.range.start, end: selected.range.end, text: selected.text },
        },
        abort.signal,
      );
      if (!suggestion || token.isCancellationRequested) return undefined;
      const range = new vscode.Range(suggestion.line, suggestion.start, suggestion.line, suggestion.end);
      return [new vscode.InlineCompletionItem(suggestion.insertText, range)];
    } finally {
      cancel.dispose();
    }
  }
}
