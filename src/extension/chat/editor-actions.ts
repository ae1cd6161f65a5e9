import * as vscode from 'vscode';
import { resolveInsideWorkspace } from './workspace-path';

/** Opens a cited file at its lines, provided the path lies inside an open workspace folder. */
export async function openCitation(relativePath: string, startLine: number, endLine: number): Promise<void> {
  const roots = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === 'file')
    .map((folder) => folder.uri.fsPath);
  const file = await resolveInsideWorkspace(roots, relativePath);
  if (!file) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('RepoSage cannot open {0}: it is not a file in this workspace.', relativePath),
    );
    return;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const last = Math.min(endLine, document.lineCount) - 1;
  const first = Math.min(startLine - 1, last);
  const range = new vscode.Range(first, 0, last, document.lineAt(last).text.length);
  await vscode.window.showTextDocument(document, {
    selection: range,
    preview: true,
    viewColumn: vscode.ViewColumn.One,
  });
}

/** Only web links leave the editor; VS Code asks the user before opening an untrusted domain. */
export async function openLink(url: string): Promise<void> {
  if (!/^https?:\/\//i.test(url)) return;
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
}

export async function copyToClipboard(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 2_000);
}

/** Replaces the selection of the last focused editor (the chat view has focus when this is clicked). */
export async function insertAtCursor(text: string): Promise<void> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open an editor to insert the code into.'));
    return;
  }
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, text);
  });
}
