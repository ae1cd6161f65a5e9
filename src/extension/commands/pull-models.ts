import * as vscode from 'vscode';
import type { OllamaClient } from '../../core/ollama';
import { ollamaClient, readConfig } from '../config/config';
import type { CommandSpec } from './command-table';
import { COMMANDS } from './ids';

/** Pull Models: the chat and completion models the settings name, one after the other (walkthrough step 2). */
export function pullModelsCommand(): CommandSpec {
  return {
    id: COMMANDS.pullModels,
    run: async () => {
      const config = readConfig();
      const ollama = ollamaClient(config);
      const models = [...new Set([config.chatModel, config.completionModel])];
      for (const model of models) await pullWithProgress(model, ollama);
      void vscode.window.showInformationMessage(vscode.l10n.t('Ready: {0}.', models.join(', ')));
    },
  };
}

/** Pulls through the configured server's API, so it works for a remote Ollama too; with progress and Cancel. */
export async function pullWithProgress(model: string, ollama: OllamaClient): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Pulling {0}', model), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        await ollama.pullModel(model, {
          signal: abort.signal,
          onProgress: ({ status, total, completed }) => {
            progress.report({
              message: total && completed ? `${status} ${Math.floor((completed / total) * 100)}%` : status,
            });
          },
        });
      } finally {
        cancel.dispose();
      }
    },
  );
}
