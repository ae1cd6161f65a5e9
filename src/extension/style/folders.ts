import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

/** Where the style commands put their files by default, inside the project (as the CLI's docs do). */
export const DATASET_DIR = path.join('.reposage', 'style');
export const ADAPTER_DIR = path.join('.reposage', 'style-adapter');

/**
 * Why the style commands cannot run in this window, if they cannot. They read the repository with
 * git, which an untrusted repository's configuration could turn against the user.
 */
export function styleUnavailable(): string | undefined {
  if (!vscode.workspace.isTrusted)
    return vscode.l10n.t(
      'RepoSage does not read or send code from an untrusted workspace. Trust the workspace to use it.',
    );
  if (!localFolders().length) return vscode.l10n.t('Open a folder to use the style commands.');
  return undefined;
}

/** The folder to work on: the only one, else the user's pick. */
export async function pickFolder(title: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = localFolders();
  if (folders.length <= 1) return folders[0];
  const picked = await vscode.window.showQuickPick(
    folders.map((folder) => ({ label: folder.name, description: folder.uri.fsPath, folder })),
    { title },
  );
  return picked?.folder;
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** A folder holding an exported dataset (its training split), else undefined. */
export async function datasetIn(folder: string | undefined): Promise<string | undefined> {
  return folder && (await exists(path.join(folder, 'train.jsonl'))) ? folder : undefined;
}

function localFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
}
