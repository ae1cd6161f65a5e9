import * as vscode from 'vscode';
import type { DisposableStore } from '../disposable-store';
import type { ErrorReporter } from '../errors/report-error';
import type { CommandId } from './ids';

/**
 * A command and the condition it needs. When `unavailable` returns a reason, the command explains
 * it instead of running, so every command answers, even before an index or a model exists.
 */
export interface CommandSpec {
  id: CommandId;
  unavailable?: () => string | undefined;
  run: (...args: unknown[]) => unknown;
}

export function registerCommands(specs: readonly CommandSpec[], store: DisposableStore, errors: ErrorReporter): void {
  for (const spec of specs) {
    store.add(
      vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
        const reason = spec.unavailable?.();
        if (reason) {
          void vscode.window.showInformationMessage(reason);
          return;
        }
        try {
          await spec.run(...args);
        } catch (error) {
          errors.report(error);
        }
      }),
    );
  }
}
