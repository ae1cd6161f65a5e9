import * as vscode from 'vscode';
import { RepoSageError, isCancellation } from '../../core/errors';
import { readConfig, ollamaClient } from '../config/config';
import { fullKey } from '../config/settings';
import { COMMANDS } from '../commands/ids';
import { pullWithProgress } from '../commands/pull-models';
import { actionsFor, type ErrorAction } from './error-actions';

export interface ErrorContext {
  /** The Ollama model the failed operation used, for "Pull Model". */
  model?: string;
}

/** Turns any error into a notification with the actions its code calls for, and logs it. */
export class ErrorReporter {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Returns at once; the notification and its action run in the background. */
  report(error: unknown, context: ErrorContext = {}): void {
    if (isCancellation(error)) return;
    const known = error instanceof RepoSageError ? error : undefined;
    const text = known
      ? known.describe()
      : vscode.l10n.t('RepoSage failed: {0}', error instanceof Error ? error.message : String(error));
    this.log.error(error instanceof Error ? error : String(error));
    const actions = actionsFor(known?.code);
    const labels = actions.map(labelFor);
    void vscode.window
      .showErrorMessage(text, ...labels)
      .then((picked) => {
        const action = actions[labels.indexOf(picked ?? '')];
        if (action) return this.run(action, context);
      })
      .then(undefined, (failure: unknown) => this.log.error(failure instanceof Error ? failure : String(failure)));
  }

  private async run(action: ErrorAction, context: ErrorContext): Promise<void> {
    const config = readConfig();
    switch (action.kind) {
      case 'startOllama':
        return this.startOllama(config.ollamaHost);
      case 'ollamaHelp':
        await vscode.env.openExternal(vscode.Uri.parse('https://ollama.com/download'));
        return;
      case 'pullModel': {
        const model = context.model ?? config.chatModel;
        await pullWithProgress(model, ollamaClient(config));
        void vscode.window.showInformationMessage(vscode.l10n.t('Ready: {0}.', model));
        return;
      }
      case 'reindex':
        await vscode.commands.executeCommand(COMMANDS.reindex);
        return;
      case 'rebuildIndex':
        await vscode.commands.executeCommand(COMMANDS.clearIndex, { rebuild: true });
        return;
      case 'openSetting':
        await vscode.commands.executeCommand('workbench.action.openSettings', fullKey(action.setting));
        return;
      case 'showLog':
        this.log.show();
        return;
    }
  }

  private startOllama(ollamaHost: string): void {
    // The server listens where the settings say RepoSage will look for it.
    const terminal = vscode.window.createTerminal({ name: 'Ollama', env: { OLLAMA_HOST: ollamaHost } });
    terminal.show();
    terminal.sendText('ollama serve');
  }
}

function labelFor(action: ErrorAction): string {
  switch (action.kind) {
    case 'startOllama':
      return vscode.l10n.t('Start Ollama');
    case 'ollamaHelp':
      return vscode.l10n.t('Ollama Setup Help');
    case 'pullModel':
      return vscode.l10n.t('Pull Model');
    case 'reindex':
      return vscode.l10n.t('Index Workspace');
    case 'rebuildIndex':
      return vscode.l10n.t('Rebuild Index');
    case 'openSetting':
      return vscode.l10n.t('Open Settings');
    case 'showLog':
      return vscode.l10n.t('Show Log');
  }
}
