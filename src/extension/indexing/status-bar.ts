import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import { DisposableStore } from '../disposable-store';
import { presentOverview } from './describe-state';
import type { IndexManager } from './index-manager';

/** One status bar entry for all folders' indexes; clicking it opens Index Status. */
export class IndexStatusBar implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly item = this.store.add(
    vscode.window.createStatusBarItem('reposage.index', vscode.StatusBarAlignment.Left, 10),
  );

  constructor(private readonly indexes: IndexManager) {
    this.item.name = vscode.l10n.t('RepoSage Index');
    this.item.command = COMMANDS.indexStatus;
    this.store.add(indexes.onDidChange(() => this.update()));
    this.update();
    this.item.show();
  }

  dispose(): void {
    this.store.dispose();
  }

  private update(): void {
    const shown = presentOverview(this.indexes.overview(), this.indexes.unavailableReason());
    this.item.text = shown.text;
    this.item.tooltip = shown.tooltip;
    this.item.backgroundColor = shown.tone
      ? new vscode.ThemeColor(
          shown.tone === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground',
        )
      : undefined;
  }
}
