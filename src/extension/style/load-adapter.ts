import path from 'node:path';
import * as vscode from 'vscode';
import { RepoSageError } from '../../core/errors';
import type { OllamaClient } from '../../core/ollama';
import { registerAdapter, type RegisterResult } from '../../core/style/adapter/register';
import type { CommandSpec } from '../commands/command-table';
import { COMMANDS } from '../commands/ids';
import { readConfig, ollamaClient } from '../config/config';
import { fullKey, type SettingName } from '../config/settings';
import { defaultAdapterName, isModelName } from './adapter-name';
import { ADAPTER_DIR, exists, pickFolder, styleUnavailable } from './folders';
import { pickModel } from './pick-model';
import { withCancellableProgress } from './ui';

/** Load Style Adapter. `onRegistered` runs once the new model exists in Ollama. */
export function loadAdapterCommand(onRegistered: () => void): CommandSpec {
  return { id: COMMANDS.loadStyleAdapter, unavailable: styleUnavailable, run: () => load(onRegistered) };
}

/** Registers an adapter with Ollama as a new model on its base, then offers to use it. */
async function load(onRegistered: () => void): Promise<void> {
  const folder = await pickFolder(vscode.l10n.t('Load a style adapter for which folder?'));
  if (!folder) return;
  const adapterPath = await pickAdapter(folder);
  if (!adapterPath) return;
  const ollama = ollamaClient(readConfig(folder.uri));
  const base = await pickModel(await ollama.listModels(), vscode.l10n.t('The Ollama model the adapter was trained on'));
  if (!base) return;
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Name of the new model'),
    value: defaultAdapterName(folder.name),
    ignoreFocusOut: true,
    validateInput: (value) =>
      isModelName(value)
        ? undefined
        : vscode.l10n.t('Lower-case letters, digits, ".", "_" and "-", with an optional ":tag".'),
  });
  if (!name) return;
  const result = await register(ollama, { adapterPath, base: base.name, name });
  if (!result) return;
  onRegistered();
  await offerToUse(ollama, result, folder);
}

async function pickAdapter(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { path?: string; files?: boolean };
  const trained = path.join(folder.uri.fsPath, ADAPTER_DIR);
  const items: Item[] = [
    ...((await exists(path.join(trained, 'adapter_config.json')))
      ? [
          {
            label: `$(folder) ${ADAPTER_DIR}`,
            description: vscode.l10n.t('trained in {0}', folder.name),
            path: trained,
          },
        ]
      : []),
    {
      label: `$(folder-opened) ${vscode.l10n.t('Choose an Adapter Folder…')}`,
      description: 'adapter_config.json + adapter_model.safetensors',
      files: false,
    },
    {
      label: `$(file-binary) ${vscode.l10n.t('Choose a GGUF File…')}`,
      description: vscode.l10n.t('a LoRA adapter converted to GGUF'),
      files: true,
    },
  ];
  // One dialog cannot pick both files and folders on every platform, hence the question.
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Style adapter to load') });
  if (!picked || picked.path) return picked?.path;
  const [chosen] =
    (await vscode.window.showOpenDialog({
      canSelectFiles: picked.files,
      canSelectFolders: !picked.files,
      defaultUri: folder.uri,
      filters: picked.files ? { GGUF: ['gguf'] } : undefined,
      openLabel: vscode.l10n.t('Load'),
    })) ?? [];
  return chosen?.fsPath;
}

/**
 * Registers with a cancellable progress; an adapter that does not fit the base is registered only if the user insists.
 */
async function register(
  ollama: OllamaClient,
  options: { adapterPath: string; base: string; name: string },
  force = false,
): Promise<RegisterResult | undefined> {
  try {
    return await withCancellableProgress(
      vscode.l10n.t('RepoSage: loading the adapter as {0}', options.name),
      (signal, report) =>
        registerAdapter({
          ...options,
          ollama,
          force,
          signal,
          onProgress: (event) =>
            report(event.stage === 'upload' ? vscode.l10n.t('uploaded {0}', event.file) : event.status),
        }),
    );
  } catch (error) {
    if (!(error instanceof RepoSageError) || error.code !== 'ADAPTER_MISMATCH' || force) throw error;
    const anyway = vscode.l10n.t('Load Anyway');
    const picked = await vscode.window.showWarningMessage(
      error.message,
      { modal: true, detail: vscode.l10n.t('Its answers will be garbage, or the model will fail to load.') },
      anyway,
    );
    return picked === anyway ? register(ollama, options, true) : undefined;
  }
}

/** Routes chat and, where the new model can fill in the middle, completions to it, in this workspace's settings. */
async function offerToUse(ollama: OllamaClient, result: RegisterResult, folder: vscode.WorkspaceFolder): Promise<void> {
  const info = await ollama.showModel(result.model);
  type Item = vscode.QuickPickItem & { setting: SettingName };
  const items: Item[] = [
    { label: vscode.l10n.t('Use for Chat'), description: fullKey('chatModel'), picked: true, setting: 'chatModel' },
    ...(info.supportsFim
      ? [
          {
            label: vscode.l10n.t('Use for Inline Suggestions'),
            description: fullKey('completionModel'),
            setting: 'completionModel' as const,
          },
        ]
      : []),
  ];
  const unchecked =
    result.check.unchecked.length > 0 ? vscode.l10n.t(' Not checked: {0}.', result.check.unchecked.join(', ')) : '';
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t(
      '{0} is in Ollama: {1} with the adapter.{2} Use it in {3}?',
      result.model,
      result.base,
      unchecked,
      folder.name,
    ),
    canPickMany: true,
    ignoreFocusOut: true,
  });
  const target =
    vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders.length > 1
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : vscode.ConfigurationTarget.Workspace;
  for (const item of picked ?? []) {
    await vscode.workspace.getConfiguration(undefined, folder.uri).update(fullKey(item.setting), result.model, target);
  }
}
