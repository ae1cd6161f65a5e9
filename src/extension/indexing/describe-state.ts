import * as vscode from 'vscode';
import { vectorPercent } from '../../core/indexer/coverage';
import type { IndexOverview, IndexState } from './index-state';
import { incompleteNote } from '../../core/store/integrity';

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
    case 'partial':
      return vscode.l10n.t(
        '{0}, {1} chunks; run "RepoSage: Re-index Workspace" to finish it',
        incompleteNote({ state: state.building ? 'building' : 'partial', ...state }) ?? '',
        state.chunks,
      );
    case 'damaged':
      return damagedLine(state.problems);
    case 'locked':
      return vscode.l10n.t('read-only: {0}', state.message);
    case 'error':
      return vscode.l10n.t('error: {0}', state.message);
  }
}

/** What the status bar shows for all folders, and the one line the chat view and suggestions repeat. */
export interface OverviewPresentation {
  text: string;
  tooltip: string;
  tone?: 'error' | 'warning';
}

/**
 * The index state in words, the same wherever it shows (status bar, chat view, suggestions) and
 * the same state `reposage status` reports for the folder.
 */
export function presentOverview(
  overview: IndexOverview | { kind: 'untrusted' },
  unavailableReason: string | undefined,
): OverviewPresentation {
  switch (overview.kind) {
    case 'none':
      return {
        text: '$(database) RepoSage',
        tooltip: unavailableReason ?? vscode.l10n.t('RepoSage has nothing to index.'),
      };
    case 'untrusted':
      return {
        text: '$(shield) RepoSage: restricted',
        tooltip: vscode.l10n.t('This workspace is not trusted, so RepoSage indexes nothing and sends nothing.'),
      };
    case 'indexing':
      if (overview.keywordReady && overview.vectors.total > overview.vectors.ready) {
        const percent = vectorPercent(overview.vectors);
        return {
          text: `$(sync~spin) ${vscode.l10n.t('RepoSage: semantic {0}%', percent)}`,
          tooltip: [
            vscode.l10n.t('Keyword search is ready.'),
            vscode.l10n.t(
              'The semantic index covers {0}% ({1} of {2} chunks); questions are answered from what is ready.',
              percent,
              overview.vectors.ready,
              overview.vectors.total,
            ),
            vscode.l10n.t('Click for details.'),
          ].join(' '),
        };
      }
      return {
        text:
          overview.filesTotal > 0
            ? `$(sync~spin) ${vscode.l10n.t('RepoSage: indexing {0}/{1}', overview.filesDone, overview.filesTotal)}`
            : `$(sync~spin) ${vscode.l10n.t('RepoSage: indexing')}`,
        tooltip: vscode.l10n.t('RepoSage is updating the index. Click for details.'),
      };
    case 'error':
      return { text: `$(error) ${vscode.l10n.t('RepoSage: index error')}`, tooltip: overview.message, tone: 'error' };
    case 'damaged':
      return {
        text: `$(error) ${vscode.l10n.t('RepoSage: index damaged')}`,
        tooltip: damagedLine(overview.problems),
        tone: 'error',
      };
    case 'locked':
      return { text: `$(lock) ${vscode.l10n.t('RepoSage: read-only')}`, tooltip: overview.message };
    case 'missing':
      return {
        text: `$(database) ${vscode.l10n.t('RepoSage: not indexed')}`,
        tooltip: vscode.l10n.t('Run "RepoSage: Re-index Workspace" to build the index.'),
      };
    case 'partial':
      return {
        text: `$(warning) ${vscode.l10n.t('RepoSage: {0}', overview.note)}`,
        tooltip: [
          vscode.l10n.t('Answers come from a {0}: files not indexed yet cannot be found.', overview.note),
          vscode.l10n.t('Run "RepoSage: Re-index Workspace" to finish it.'),
        ].join(' '),
        tone: 'warning',
      };
    case 'ready':
      return {
        text: `$(check) ${vscode.l10n.t('RepoSage: {0} chunks', overview.chunks)}`,
        tooltip: vscode.l10n.t(
          'The RepoSage index is up to date: {0} chunks from {1} files.',
          overview.chunks,
          overview.files,
        ),
      };
  }
}

function damagedLine(problems: readonly string[]): string {
  return vscode.l10n.t(
    'The index is damaged ({0}). Run "RepoSage: Re-index Workspace" to repair it.',
    problems.join('; ') || vscode.l10n.t('unreadable'),
  );
}
