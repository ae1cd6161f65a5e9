import path from 'node:path';
import * as vscode from 'vscode';
import { type GoldenQuestion, readGoldenSet } from '../../core/eval/golden-set';
import { compareModels } from '../../core/style/compare/compare';
import { readStyleSplit } from '../../core/style/dataset/files';
import { buildStyleDataset } from '../../core/style/dataset/export';
import type { CommandSpec } from '../commands/command-table';
import { COMMANDS } from '../commands/ids';
import { readConfig, ollamaClient } from '../config/config';
import type { FolderIndex } from '../indexing/folder-index';
import type { IndexManager } from '../indexing/index-manager';
import type { SearchModels } from '../retrieval/search-models';
import type { DatasetMemory } from './dataset-commands';
import { DATASET_DIR, datasetIn, styleUnavailable } from './folders';
import { pickModel } from './pick-model';
import { compareMarkdown } from './reports';
import { openMarkdown, withCancellableProgress } from './ui';

/** Compare Models: needs an index, which the RAG rows retrieve from. */
export function compareCommand(indexes: IndexManager, models: SearchModels, memory: DatasetMemory): CommandSpec {
  return {
    id: COMMANDS.compareModels,
    unavailable: () =>
      styleUnavailable() ??
      (readyIndexes(indexes).length > 0
        ? undefined
        : vscode.l10n.t('Build the index first: run "RepoSage: Re-index Workspace". The RAG rows retrieve from it.')),
    run: () => compare(indexes, models, memory),
  };
}

/** Runs the four configurations (base and tuned, each with and without retrieval) and opens the table. */
async function compare(indexes: IndexManager, models: SearchModels, memory: DatasetMemory): Promise<void> {
  const index = await pickIndex(readyIndexes(indexes));
  if (!index) return;
  const config = readConfig(index.folder.uri);
  const ollama = ollamaClient(config);
  const installed = await ollama.listModels();
  const tuned = await pickModel(installed, vscode.l10n.t('The model with the style adapter'), config.chatModel);
  const base =
    tuned &&
    (await pickModel(
      installed,
      vscode.l10n.t('The base it was made from, to compare against'),
      tuned.details.parentModel,
    ));
  if (!tuned || !base) return;
  const facts = await pickGoldenSet(index.folder);
  if (!facts) return;
  const dataDir = (await datasetIn(memory.get())) ?? (await datasetIn(path.join(index.root, DATASET_DIR)));
  const report = await withCancellableProgress(
    vscode.l10n.t('RepoSage: comparing {0} with {1}', tuned.name, base.name),
    async (signal, report) => {
      report(dataDir ? vscode.l10n.t('reading the style dataset') : vscode.l10n.t('building the style dataset'));
      const examples = dataDir
        ? await readStyleSplit(dataDir, 'validation')
        : (await buildStyleDataset({ root: index.root, signal })).splits.validation;
      const search = await models.open(index.dbDir);
      try {
        return await compareModels({
          root: index.root,
          base: base.name,
          tuned: tuned.name,
          examples,
          golden: facts.golden,
          retriever: search.retriever,
          ollama,
          signal,
          onProgress: (name, done, total) => report(`${name} ${done}/${total}`),
        });
      } finally {
        search.close();
      }
    },
  );
  await openMarkdown(compareMarkdown(report, { base: base.name, tuned: tuned.name, folderName: index.folder.name }));
}

/** Golden questions add the facts columns; without them only style is compared. Undefined when the user backed out. */
async function pickGoldenSet(folder: vscode.WorkspaceFolder): Promise<{ golden?: GoldenQuestion[] } | undefined> {
  const styleOnly = vscode.l10n.t('Style Only');
  const choose = vscode.l10n.t('Choose a Golden Set…');
  const picked = await vscode.window.showQuickPick([choose, styleOnly], {
    title: vscode.l10n.t('Compare facts on a golden set of questions too?'),
  });
  if (picked !== choose) return picked === styleOnly ? {} : undefined;
  const [file] =
    (await vscode.window.showOpenDialog({
      defaultUri: folder.uri,
      filters: { [vscode.l10n.t('Golden set (JSON Lines)')]: ['jsonl'] },
    })) ?? [];
  return file && { golden: await readGoldenSet(file.fsPath) };
}

function readyIndexes(indexes: IndexManager): FolderIndex[] {
  return indexes.all().filter((index) => index.state.kind === 'ready' || index.state.kind === 'locked');
}

async function pickIndex(ready: FolderIndex[]): Promise<FolderIndex | undefined> {
  if (ready.length <= 1) return ready[0];
  const picked = await vscode.window.showQuickPick(
    ready.map((index) => ({ label: index.folder.name, description: index.folder.uri.fsPath, index })),
    { title: vscode.l10n.t('Compare models in which folder?') },
  );
  return picked?.index;
}
