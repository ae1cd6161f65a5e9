import * as vscode from 'vscode';
import { describeState } from '../indexing/describe-state';
import type { FolderIndex } from '../indexing/folder-index';
import type { IndexManager } from '../indexing/index-manager';
import type { CommandSpec } from './command-table';
import { COMMANDS } from './ids';

/** Re-index Workspace, Index Status and Clear Index. */
export function indexCommands(indexes: IndexManager): CommandSpec[] {
  const unavailable = () => indexes.unavailableReason();
  return [
    { id: COMMANDS.reindex, unavailable, run: () => reindex(indexes.all()) },
    { id: COMMANDS.indexStatus, run: () => showStatus(indexes) },
    {
      id: COMMANDS.clearIndex,
      unavailable,
      run: (options?: unknown) => clear(indexes.all(), isRebuild(options)),
    },
  ];
}

/** Syncs every folder, with a cancellable notification that follows the progress. */
async function reindex(folders: FolderIndex[]): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RepoSage: indexing'), cancellable: true },
    async (progress, token) => {
      const cancel = token.onCancellationRequested(() => {
        for (const folder of folders) folder.cancel();
      });
      const listeners = folders.map((folder) =>
        folder.onDidChange((state) => {
          progress.report({ message: `${folder.folder.name}: ${describeState(state)}` });
        }),
      );
      try {
        await Promise.all(folders.map((folder) => folder.sync()));
      } finally {
        cancel.dispose();
        for (const listener of listeners) listener.dispose();
      }
    },
  );
}

/** A quick pick with each folder's state and the index actions. */
async function showStatus(indexes: IndexManager): Promise<void> {
  type Item = vscode.QuickPickItem & { command?: string };
  const reason = indexes.unavailableReason();
  const folders: Item[] = indexes.all().map((index) => ({
    label: `$(database) ${index.folder.name}`,
    description: describeState(index.state),
    detail: index.dbDir,
  }));
  const actions: Item[] = [
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: `$(sync) ${vscode.l10n.t('Re-index Workspace')}`, command: COMMANDS.reindex },
    { label: `$(trash) ${vscode.l10n.t('Clear Index')}`, command: COMMANDS.clearIndex },
    { label: `$(output) ${vscode.l10n.t('Show Log')}`, command: COMMANDS.showLog },
  ];
  const notice: Item[] = reason ? [{ label: `$(info) ${reason}` }] : [];
  const picked = await vscode.window.showQuickPick([...notice, ...folders, ...actions], {
    title: vscode.l10n.t('RepoSage Index Status'),
    placeHolder: vscode.l10n.t('Pick an action'),
  });
  if (picked?.command) await vscode.commands.executeCommand(picked.command);
}

async function clear(folders: FolderIndex[], rebuild: boolean): Promise<void> {
  if (!rebuild) {
    const confirm = vscode.l10n.t('Clear Index');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete the RepoSage index of {0} folder(s)? It is rebuilt on the next re-index.', folders.length),
      { modal: true },
      confirm,
    );
    if (answer !== confirm) return;
  }
  await Promise.all(folders.map((folder) => folder.clear()));
  if (rebuild) await reindex(folders);
}

function isRebuild(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as { rebuild?: unknown }).rebuild === true;
}
