import * as vscode from 'vscode';
import { unpackNatives } from '../core/native/unpack-natives';

/**
 * Entry point. Activation runs after startup or on first use of a command or the chat view
 * (package.json); everything long-lived belongs to one RepoSageExtension, disposed on deactivate.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('RepoSage', { log: true });
  context.subscriptions.push(log);
  try {
    // The VSIX ships LanceDB's and onnxruntime's libraries compressed: they are unpacked before the
    // rest of the extension is loaded (imported here, not above), since loading it loads them.
    await unpackNatives(context.extensionPath);
    const { RepoSageExtension } = await import('./reposage-extension');
    context.subscriptions.push(new RepoSageExtension(context, log));
  } catch (error) {
    // A failed start must say so and where to look, not leave commands that silently do nothing.
    log.error(error instanceof Error ? error : String(error));
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window
      .showErrorMessage(
        vscode.l10n.t('RepoSage could not start: {0}', error instanceof Error ? error.message : String(error)),
        showLog,
      )
      .then((picked) => picked === showLog && log.show());
  }
}

export function deactivate(): void {
  // Nothing beyond context.subscriptions, which VS Code disposes.
}
