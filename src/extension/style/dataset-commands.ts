import path from 'node:path';
import * as vscode from 'vscode';
import { adviseStyle } from '../../core/style/advice/advise';
import { writeStyleDataset } from '../../core/style/dataset/files';
import { buildStyleDataset, countsByKind, totalExamples } from '../../core/style/dataset/export';
import { EXAMPLE_KINDS } from '../../core/style/types';
import type { CommandSpec } from '../commands/command-table';
import { COMMANDS } from '../commands/ids';
import { ADAPTER_DIR, DATASET_DIR, datasetIn, pickFolder, styleUnavailable } from './folders';
import { adviceMarkdown } from './reports';
import { defaultPython, shellKindOf, trainCommandLine } from './train-command';
import { openMarkdown, withCancellableProgress } from './ui';

/** The folder of the last export in this workspace, for Train and Compare to start from. */
export interface DatasetMemory {
  get(): string | undefined;
  set(dir: string): Thenable<void>;
}

/** The recipe's documentation recommends an instruct model whose safetensors adapters Ollama imports. */
const DEFAULT_TRAIN_BASE = 'mistralai/Mistral-7B-Instruct-v0.3';

/** Export Style Dataset, Train Style Adapter and Style Adapter Advice. */
export function datasetCommands(extensionUri: vscode.Uri, memory: DatasetMemory): CommandSpec[] {
  return [
    { id: COMMANDS.exportStyleDataset, unavailable: styleUnavailable, run: () => exportDataset(memory) },
    { id: COMMANDS.trainStyleAdapter, unavailable: styleUnavailable, run: () => train(extensionUri, memory) },
    { id: COMMANDS.styleAdvice, unavailable: styleUnavailable, run: advise },
  ];
}

async function exportDataset(memory: DatasetMemory): Promise<void> {
  const folder = await pickFolder(vscode.l10n.t('Export the style dataset of which folder?'));
  const outDir = folder && (await pickOutDir(folder));
  if (!folder || !outDir) return;
  const dataset = await withCancellableProgress(
    vscode.l10n.t('RepoSage: exporting the style dataset'),
    async (signal) => {
      const built = await buildStyleDataset({ root: folder.uri.fsPath, signal });
      await writeStyleDataset(built, outDir);
      return built;
    },
  );
  await memory.set(outDir);
  const counts = countsByKind(dataset);
  const kinds = EXAMPLE_KINDS.map((kind) => `${kind} ${counts[kind].train + counts[kind].validation}`).join(', ');
  const summary = vscode.l10n.t(
    'Exported {0} style examples ({1} training, {2} validation; {3}) to {4}.',
    totalExamples(dataset),
    dataset.splits.train.length,
    dataset.splits.validation.length,
    kinds,
    outDir,
  );
  const openCard = vscode.l10n.t('Open Dataset Card');
  const trainNow = vscode.l10n.t('Train Style Adapter');
  // The exporter's warnings include the one for fewer than 500 examples, where training is not worth it.
  const show = dataset.warnings.length > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const picked = await show([summary, ...dataset.warnings].join(' '), openCard, trainNow);
  if (picked === openCard) await vscode.window.showTextDocument(vscode.Uri.file(path.join(outDir, 'README.md')));
  if (picked === trainNow) await vscode.commands.executeCommand(COMMANDS.trainStyleAdapter);
}

async function pickOutDir(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  const inProject = path.join(folder.uri.fsPath, DATASET_DIR);
  const picked = await vscode.window.showQuickPick(
    [
      { label: `$(folder) ${DATASET_DIR}`, description: vscode.l10n.t('in {0}', folder.name), dir: inProject },
      { label: `$(folder-opened) ${vscode.l10n.t('Choose a Folder…')}`, dir: undefined },
    ],
    { title: vscode.l10n.t('Export the style dataset to') },
  );
  if (!picked || picked.dir) return picked?.dir;
  const [chosen] =
    (await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      defaultUri: folder.uri,
      openLabel: vscode.l10n.t('Export Here'),
    })) ?? [];
  return chosen?.fsPath;
}

/** Opens a terminal running the training recipe shipped with the extension on the exported dataset. */
async function train(extensionUri: vscode.Uri, memory: DatasetMemory): Promise<void> {
  const folder = await pickFolder(vscode.l10n.t('Train a style adapter for which folder?'));
  if (!folder) return;
  const data =
    (await datasetIn(memory.get())) ??
    (await datasetIn(path.join(folder.uri.fsPath, DATASET_DIR))) ??
    (await chooseDataset(folder));
  if (!data) return;
  const base = await vscode.window.showInputBox({
    title: vscode.l10n.t('Base model to train the adapter on'),
    prompt: vscode.l10n.t(
      'A Hugging Face id or a local folder: the instruct model whose Ollama build the adapter will go on.',
    ),
    value: DEFAULT_TRAIN_BASE,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Name a base model.')),
  });
  if (!base) return;
  const recipeDir = vscode.Uri.joinPath(extensionUri, 'src', 'style', 'recipe');
  const line = trainCommandLine(
    {
      python: defaultPython(process.platform),
      recipe: vscode.Uri.joinPath(recipeDir, 'train_lora.py').fsPath,
      base: base.trim(),
      data,
      out: path.join(folder.uri.fsPath, ADAPTER_DIR),
    },
    shellKindOf(vscode.env.shell, process.platform),
  );
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('RepoSage: Train Style Adapter'),
    cwd: folder.uri,
  });
  terminal.show();
  terminal.sendText(line);
  const openRecipe = vscode.l10n.t('Open Recipe');
  const picked = await vscode.window.showInformationMessage(
    [
      vscode.l10n.t('Training runs in the terminal.'),
      vscode.l10n.t(
        "It needs a CUDA GPU and Python 3.11 or newer with the recipe's packages (pip install -r {0}).",
        vscode.Uri.joinPath(recipeDir, 'requirements.txt').fsPath,
      ),
      vscode.l10n.t('When it is done, run "RepoSage: Load Style Adapter".'),
    ].join(' '),
    openRecipe,
  );
  if (picked === openRecipe)
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(recipeDir, 'recipe.md'));
}

/** No dataset where the export puts it: export one now, or point at one elsewhere. */
async function chooseDataset(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  const exportNow = vscode.l10n.t('Export Style Dataset');
  const choose = vscode.l10n.t('Choose Folder…');
  const picked = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Training needs an exported style dataset (train.jsonl and validation.jsonl), and none was found in {0}.',
      DATASET_DIR,
    ),
    exportNow,
    choose,
  );
  if (picked === exportNow) await vscode.commands.executeCommand(COMMANDS.exportStyleDataset);
  if (picked !== choose) return undefined;
  const [chosen] =
    (await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      defaultUri: folder.uri,
      openLabel: vscode.l10n.t('Train on This'),
    })) ?? [];
  const dataset = await datasetIn(chosen?.fsPath);
  if (chosen && !dataset)
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0} has no train.jsonl. Pick the folder the export wrote.', chosen.fsPath),
    );
  return dataset;
}

async function advise(): Promise<void> {
  const folder = await pickFolder(vscode.l10n.t('Advise on a style adapter for which folder?'));
  if (!folder) return;
  const advice = await withCancellableProgress(vscode.l10n.t('RepoSage: weighing a style adapter'), (signal) =>
    adviseStyle(folder.uri.fsPath, { signal }),
  );
  await openMarkdown(adviceMarkdown(advice, folder.name));
}
