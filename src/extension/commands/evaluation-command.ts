import path from 'node:path';
import * as vscode from 'vscode';
import { evaluate } from '../../core/eval/evaluate';
import { readGoldenSet } from '../../core/eval/golden-set';
import { formatReportMarkdown } from '../../core/eval/report';
import type { RetrievalMode } from '../../core/retrieval/types';
import type { FolderIndex } from '../indexing/folder-index';
import type { IndexManager } from '../indexing/index-manager';
import type { SearchModels } from '../retrieval/search-models';
import type { CommandSpec } from './command-table';
import { COMMANDS } from './ids';

/** Results per question: deep enough for recall@20, the largest cut-off the report shows. */
const EVAL_K = 20;

/** Run Retrieval Evaluation: scores every retrieval mode on a golden set and opens the report, rendered. */
export function evaluationCommand(indexes: IndexManager, models: SearchModels): CommandSpec {
  return {
    id: COMMANDS.runEvaluation,
    unavailable: () =>
      indexes.unavailableReason() ??
      (indexes.all().some((index) => index.state.kind === 'ready')
        ? undefined
        : vscode.l10n.t('Build the index first: run "RepoSage: Re-index Workspace".')),
    run: async () => {
      const index = await pickFolder(indexes.all().filter((candidate) => candidate.state.kind === 'ready'));
      if (!index) return;
      const [golden] =
        (await vscode.window.showOpenDialog({
          title: vscode.l10n.t('Golden set to evaluate retrieval with'),
          defaultUri: index.folder.uri,
          filters: { [vscode.l10n.t('Golden set (JSON Lines)')]: ['jsonl'] },
        })) ?? [];
      if (!golden) return;
      const questions = await readGoldenSet(golden.fsPath);
      const report = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('RepoSage: evaluating retrieval'),
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() => abort.abort());
          const search = await models.open(index.dbDir);
          try {
            const modes: RetrievalMode[] = search.canRerank
              ? ['bm25', 'dense', 'hybrid', 'rerank']
              : ['bm25', 'dense', 'hybrid'];
            return await evaluate(search.retriever, questions, {
              modes,
              k: EVAL_K,
              signal: abort.signal,
              onProgress: (done, total, mode) => progress.report({ message: `${mode} ${done}/${total}` }),
            });
          } finally {
            search.close();
            cancel.dispose();
          }
        },
      );
      const title = vscode.l10n.t('Retrieval evaluation: {0} on {1}', path.basename(golden.fsPath), index.folder.name);
      // Rendered (tables, the recall chart) in the markdown preview; the source stays open, unshown,
      // for Save As or copying the figures.
      const document = await vscode.workspace.openTextDocument({
        language: 'markdown',
        content: formatReportMarkdown(report, title),
      });
      // Without VS Code's built-in markdown extension (disabled by the user), the source it is.
      await vscode.commands
        .executeCommand('markdown.showPreview', document.uri)
        .then(undefined, () => vscode.window.showTextDocument(document, { preview: false }));
    },
  };
}

async function pickFolder(ready: FolderIndex[]): Promise<FolderIndex | undefined> {
  if (ready.length <= 1) return ready[0];
  const picked = await vscode.window.showQuickPick(
    ready.map((index) => ({ label: index.folder.name, description: index.folder.uri.fsPath, index })),
    { title: vscode.l10n.t('Evaluate retrieval in which folder?') },
  );
  return picked?.index;
}
