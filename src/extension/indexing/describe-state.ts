import * as vscode from 'vscode';
import { vectorPercent } from '../../core/indexer/coverage';
import type { IndexState } from './index-state';

/** One line, for people, on where a folder's index stands. */
export function describeState(state: IndexState): string {
  switch (state.kind) {
    case 'unknown':
      return vscode.l10n.t('checking…');
    case 'missing':
      return vscode.l10n.t('not indexed yet');
    case 'indexing':
      if (state.progress?.keywordReady && state.progress.phase === 'embedding') {
        return vscode.l10n.t(
          'keyword search ready; semantic index {0}% ({1} of {2} chunks embedded); questions use what is ready',
          vectorPercent(state.progress.vectors),
          state.progress.vectors.ready,
          state.progress.vectors.total,
        );
      }
      return state.progress && state.progress.filesTotal > 0
        ? vscode.l10n.t(
            'indexing: {0} {1}/{2} files, {3} chunks',
            state.progress.phase,
            state.progress.filesDone,
            state.progress.filesTotal,
            state.progress.chunks,
          )
        : vscode.l10n.t('indexing: {0}', state.progress?.phase ?? 'starting');
    case 'ready':
      return vscode.l10n.t(
        'up to date: {0} chunks from {1} files, updated {2}',
        state.chunks,
        state.files,
        new Date(state.updatedAt).toLocaleString(),
      );
    case 'locked':
      return vscode.l10n.t('read-only: {0}', state.message);
    case 'error':
      return vscode.l10n.t('error: {0}', state.message);
  }
}
