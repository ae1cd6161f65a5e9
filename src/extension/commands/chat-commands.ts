import * as vscode from 'vscode';
import type { EditorSelection } from '../../core/chat/types';
import type { Answerer } from '../chat/answerer';
import type { ChatViewProvider } from '../chat/chat-view';
import type { CommandSpec } from './command-table';
import { COMMANDS } from './ids';

/** Open Chat, Ask About Selection and Explain This File. */
export function chatCommands(chat: ChatViewProvider, answerer: Answerer): CommandSpec[] {
  return [
    { id: COMMANDS.openChat, run: () => chat.reveal() },
    {
      id: COMMANDS.askAboutSelection,
      unavailable: () =>
        answerer.unavailableReason() ??
        (selectionOf(vscode.window.activeTextEditor)
          ? undefined
          : vscode.l10n.t('Select some code in an editor first.')),
      run: async () => {
        const selection = selectionOf(vscode.window.activeTextEditor)!;
        const question = await vscode.window.showInputBox({
          title: vscode.l10n.t('Ask RepoSage about the selection'),
          value: vscode.l10n.t('What does this code do?'),
          valueSelection: [0, Number.MAX_SAFE_INTEGER],
        });
        if (question?.trim()) await chat.ask(question.trim(), selection);
      },
    },
    {
      id: COMMANDS.explainFile,
      unavailable: () =>
        answerer.unavailableReason() ??
        (fileOf(vscode.window.activeTextEditor)
          ? undefined
          : vscode.l10n.t('Open a workspace file in an editor first.')),
      run: async () => {
        const file = fileOf(vscode.window.activeTextEditor)!;
        await chat.ask(vscode.l10n.t('Explain what {0} does and how it fits into the codebase.', file.path), file);
      },
    },
  ];
}

function selectionOf(editor: vscode.TextEditor | undefined): EditorSelection | undefined {
  if (!editor || editor.selection.isEmpty || !inWorkspace(editor.document)) return undefined;
  const { start, end } = editor.selection;
  // A selection ending at column 0 of a line does not include that line.
  const endLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
  return {
    path: vscode.workspace.asRelativePath(editor.document.uri, false),
    startLine: start.line + 1,
    endLine: endLine + 1,
    text: editor.document.getText(editor.selection),
  };
}

function fileOf(editor: vscode.TextEditor | undefined): EditorSelection | undefined {
  if (!editor || !inWorkspace(editor.document)) return undefined;
  const document = editor.document;
  return {
    path: vscode.workspace.asRelativePath(document.uri, false),
    startLine: 1,
    endLine: document.lineCount,
    text: document.getText(),
  };
}

function inWorkspace(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(document.uri) !== undefined;
}
