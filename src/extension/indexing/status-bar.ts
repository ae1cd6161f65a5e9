import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import { DisposableStore } from '../disposable-store';
import type { IndexManager } from './index-manager';
import { vectorPercent } from '../../core/indexer/coverage';

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
    const overview = this.indexes.overview();
    this.item.backgroundColor = undefined;
    switch (overview.kind) {
      case 'none':
        this.item.text = '$(database) RepoSage';
        this.item.tooltip = this.indexes.unavailableReason() ?? vscode.l10n.t('RepoSage has nothing to index.');
        break;
      case 'untrusted':
        this.item.text = '$(shield) RepoSage: restricted';
        this.item.tooltip = vscode.l10n.t(
          'This workspace is not trusted, so RepoSage indexes nothing and sends nothing.',
        );
        break;
      case 'indexing':
        if (overview.keywordReady && overview.vectors.total > overview.vectors.ready) {
          const percent = vectorPercent(overview.vectors);
          this.item.text = `$(sync~spin) ${vscode.l10n.t('RepoSage: semantic {0}%', percent)}`;
          this.item.tooltip = [
            vscode.l10n.t('Keyword search is ready.'),
            vscode.l10n.t(
              'The semantic index covers {0}% ({1} of {2} chunks); questions are answered from what is ready.',
              percent,
              overview.vectors.ready,
              overview.vectors.total,
            ),
            vscode.l10n.t('Click for details.'),
          ].join(' ');
          break;
        }
        this.item.text =
          overview.filesTotal > 0
            ? `$(sync~spin) ${vscode.l10n.t('RepoSage: indexing {0}/{1}', overview.filesDone, overview.filesTotal)}`
            : `$(sync~spin) ${vscode.l10n.t('RepoSage: indexing')}`;
        this.item.tooltip = vscode.l10n.t('RepoSage is updating the index. Click for details.');
        break;
      case 'error':
        this.item.text = `$(error) ${vscode.l10n.t('RepoSage: index error')}`;
        this.item.tooltip = overview.message;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'locked':
        this.item.text = `$(lock) ${vscode.l10n.t('RepoSage: read-only')}`;
        this.item.tooltip = overview.message;
        break;
      case 'missing':
        this.item.text = `$(database) ${vscode.l10n.t('RepoSage: not indexed')}`;
        this.item.tooltip = vscode.l10n.t('Run "RepoSage: Re-index Workspace" to build the index.');
        break;
      case 'ready':
        this.item.text = `$(check) ${vscode.l10n.t('RepoSage: {0} chunks', overview.chunks)}`;
        this.item.tooltip = vscode.l10n.t(
          'The RepoSage index is up to date: {0} chunks from {1} files.',
          overview.chunks,
          overview.files,
        );
        break;
    }
  }
}
