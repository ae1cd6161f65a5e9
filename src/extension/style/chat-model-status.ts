import * as vscode from 'vscode';
import { RepoSageError } from '../../core/errors';
import type { ModelInfo } from '../../core/ollama';
import { readConfig, settingChanged, ollamaClient } from '../config/config';
import { fullKey } from '../config/settings';
import { DisposableStore } from '../disposable-store';

/**
 * Names the chat model in the status bar, and the style adapter on it when it has one (from the
 * ADAPTER lines Ollama reports for the model). Asks Ollama at start, when the model or server
 * setting changes, and when told (after an adapter was loaded); never from an untrusted workspace.
 */
export class ChatModelStatus implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly item = this.store.add(
    vscode.window.createStatusBarItem('reposage.chatModel', vscode.StatusBarAlignment.Right, 99),
  );
  /** Bumped per refresh, so a slow answer about a previous model is dropped. */
  private generation = 0;

  constructor() {
    this.item.name = vscode.l10n.t('RepoSage Chat Model');
    this.item.command = {
      title: vscode.l10n.t('Choose Chat Model'),
      command: 'workbench.action.openSettings',
      arguments: [fullKey('chatModel')],
    };
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (settingChanged(event, 'chatModel') || settingChanged(event, 'ollamaHost')) this.refresh();
      }),
    );
    this.store.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()));
    this.refresh();
  }

  refresh(): void {
    const generation = ++this.generation;
    const config = readConfig();
    const { chatModel } = config;
    this.item.text = `$(hubot) ${chatModel}`;
    this.item.tooltip = vscode.l10n.t('Chat model: {0}', chatModel);
    if (!vscode.workspace.isTrusted) {
      this.item.hide();
      return;
    }
    this.item.show();
    ollamaClient(config)
      .showModel(chatModel)
      .then(
        (info) => generation === this.generation && this.describe(info),
        (error: unknown) => {
          if (generation !== this.generation) return;
          const reason = error instanceof RepoSageError ? error.describe() : String(error);
          this.item.tooltip = vscode.l10n.t('Chat model: {0}. Ollama did not describe it: {1}', chatModel, reason);
        },
      );
  }

  dispose(): void {
    this.store.dispose();
  }

  private describe(info: ModelInfo): void {
    if (info.adapters.length === 0) {
      this.item.tooltip = vscode.l10n.t('Chat model: {0}, without a style adapter.', info.name);
      return;
    }
    this.item.text = `$(hubot) ${info.name} $(sparkle)`;
    const adapters = info.adapters
      .map((digest) => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…'))
      .join(', ');
    this.item.tooltip = info.details.parentModel
      ? vscode.l10n.t('Chat model: {0}, the style adapter {1} on {2}.', info.name, adapters, info.details.parentModel)
      : vscode.l10n.t('Chat model: {0}, with the style adapter {1}.', info.name, adapters);
  }
}
