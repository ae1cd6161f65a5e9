import type * as vscode from 'vscode';
import { registerCommands } from '../commands/command-table';
import { DisposableStore } from '../disposable-store';
import type { ErrorReporter } from '../errors/report-error';
import type { IndexManager } from '../indexing/index-manager';
import type { SearchModels } from '../retrieval/search-models';
import { ChatModelStatus } from './chat-model-status';
import { compareCommand } from './compare-command';
import { datasetCommands, type DatasetMemory } from './dataset-commands';
import { loadAdapterCommand } from './load-adapter';

/** Where this workspace's last export went, for Train and Compare to start from. */
const DATASET_KEY = 'reposage.style.dataset';

/**
 * The project-style adapter workflow: advise, export the dataset, train with the shipped recipe,
 * load the adapter into Ollama, compare; and the status bar entry naming the chat model and its adapter.
 */
export class StyleAdapters implements vscode.Disposable {
  private readonly store = new DisposableStore();

  constructor(context: vscode.ExtensionContext, indexes: IndexManager, models: SearchModels, errors: ErrorReporter) {
    const status = this.store.add(new ChatModelStatus());
    const memory: DatasetMemory = {
      get: () => context.workspaceState.get<string>(DATASET_KEY),
      set: (dir) => context.workspaceState.update(DATASET_KEY, dir),
    };
    registerCommands(
      [
        ...datasetCommands(context.extensionUri, memory),
        loadAdapterCommand(() => status.refresh()),
        compareCommand(indexes, models, memory),
      ],
      this.store,
      errors,
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}
