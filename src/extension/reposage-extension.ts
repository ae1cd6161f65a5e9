import * as vscode from 'vscode';
import { ChatHistory } from './chat/chat-history';
import { ChatViewProvider } from './chat/chat-view';
import { CoreAnswerer } from './chat/core-answerer';
import { chatCommands } from './commands/chat-commands';
import { registerCommands } from './commands/command-table';
import { evaluationCommand } from './commands/evaluation-command';
import { CHAT_VIEW_TYPE, COMMANDS } from './commands/ids';
import { indexCommands } from './commands/index-commands';
import { pullModelsCommand } from './commands/pull-models';
import { InlineCompletions } from './completion/inline-completions';
import { DisposableStore } from './disposable-store';
import { ErrorReporter } from './errors/report-error';
import { IndexManager } from './indexing/index-manager';
import { IndexStatusBar } from './indexing/status-bar';
import { SearchModels } from './retrieval/search-models';
import { StyleAdapters } from './style/style-adapters';

/**
 * Owns what lives as long as the extension: the indexes, the search models, the chat view, the
 * status bar and the commands. It only wires them; each feature lives in its own module.
 */
export class RepoSageExtension implements vscode.Disposable {
  private readonly store = new DisposableStore();

  constructor(context: vscode.ExtensionContext, log: vscode.LogOutputChannel) {
    const errors = new ErrorReporter(log);
    const indexes = this.store.add(new IndexManager(context, errors));
    const models = this.store.add(new SearchModels(context.extensionPath, log));
    const answerer = this.store.add(new CoreAnswerer(indexes, models));
    const chat = this.store.add(
      new ChatViewProvider(context.extensionUri, new ChatHistory(context.workspaceState), answerer, errors),
    );
    this.store.add(vscode.window.registerWebviewViewProvider(CHAT_VIEW_TYPE, chat));
    this.store.add(new IndexStatusBar(indexes));
    this.store.add(new InlineCompletions(context, indexes, errors, log));
    this.store.add(new StyleAdapters(context, indexes, models, errors));
    registerCommands(
      [
        ...indexCommands(indexes),
        ...chatCommands(chat, answerer),
        evaluationCommand(indexes, models),
        pullModelsCommand(),
        { id: COMMANDS.showLog, run: () => log.show() },
      ],
      this.store,
      errors,
    );
    indexes.start();
    log.info(
      `RepoSage ${context.extension.packageJSON.version as string} started; ` +
        `${indexes.unavailableReason() ?? 'indexing is available'}.`,
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}
