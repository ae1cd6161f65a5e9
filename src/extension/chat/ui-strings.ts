import * as vscode from 'vscode';
import type { UiStrings } from '../../shared/chat-protocol';

/** The webview's labels in the user's language. */
export function uiStrings(): UiStrings {
  return {
    placeholder: vscode.l10n.t('Ask about this codebase (Enter to send, Shift+Enter for a new line)'),
    send: vscode.l10n.t('Send'),
    stop: vscode.l10n.t('Stop'),
    newChat: vscode.l10n.t('New Chat'),
    empty: vscode.l10n.t('Ask a question about the code in this workspace. Answers cite the files they use.'),
    copy: vscode.l10n.t('Copy'),
    insert: vscode.l10n.t('Insert at Cursor'),
    sources: vscode.l10n.t('Sources'),
    verified: vscode.l10n.t('verified'),
    unverified: vscode.l10n.t('changed since indexing'),
    trace: vscode.l10n.t('Retrieval trace'),
    traceLocation: vscode.l10n.t('Location'),
    traceScore: vscode.l10n.t('Score'),
    stopped: vscode.l10n.t('Stopped.'),
    working: vscode.l10n.t('Working…'),
  };
}
