import * as vscode from 'vscode';

/** Runs a long task under a cancellable notification; Cancel aborts the task's signal. */
export async function withCancellableProgress<T>(
  title: string,
  task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
): Promise<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        return await task(abort.signal, (message) => progress.report({ message }));
      } finally {
        cancel.dispose();
      }
    },
  );
}

/** Shows a report in a new untitled markdown editor, which the user can save or throw away. */
export async function openMarkdown(content: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: false });
}
