import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { CompletionProblem } from './problems';
import type { ToggleState } from './toggle';

/** Everything the status bar entry shows, read afresh on each update. */
export interface CompletionStatus {
  trusted: boolean;
  toggle: ToggleState;
  problem: CompletionProblem | undefined;
  /** The active editor's language when the settings turn suggestions off there. */
  offForLanguage: string | undefined;
  model: string;
  /** The index state as the index status bar entry words it: what suggestions draw on. */
  index: string;
}

/**
 * The inline suggestions switch in the status bar: on, off, snoozed, or failing (the one place a
 * completion failure shows). A click opens the suggestions menu.
 */
export class CompletionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'reposage.completion',
    vscode.StatusBarAlignment.Right,
    100,
  );

  constructor(private readonly read: () => CompletionStatus) {
    this.item.name = vscode.l10n.t('RepoSage Inline Suggestions');
    this.item.command = COMMANDS.completionMenu;
    this.update();
    this.item.show();
  }

  update(): void {
    const status = this.read();
    const label = vscode.l10n.t('Suggestions');
    this.item.backgroundColor = undefined;
    if (!status.trusted) {
      this.item.text = `$(shield) ${label}`;
      this.item.tooltip = vscode.l10n.t(
        'Inline suggestions are off: RepoSage sends no code from an untrusted workspace.',
      );
    } else if (status.toggle.kind === 'off') {
      this.item.text = `$(circle-slash) ${label}`;
      this.item.tooltip = vscode.l10n.t('Inline suggestions are off. Click to turn them on.');
    } else if (status.toggle.kind === 'snoozed') {
      this.item.text = `$(clock) ${label}`;
      this.item.tooltip = vscode.l10n.t(
        'Inline suggestions are snoozed until {0}.',
        new Date(status.toggle.until).toLocaleTimeString(),
      );
    } else if (status.problem) {
      this.item.text = `$(warning) ${label}`;
      this.item.tooltip = vscode.l10n.t(
        'Inline suggestions are failing: {0} Click for what to do.',
        status.problem.message,
      );
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (status.offForLanguage) {
      this.item.text = `$(circle-slash) ${label}`;
      this.item.tooltip = vscode.l10n.t(
        'Inline suggestions are off for {0} in the settings (reposage.completion).',
        status.offForLanguage,
      );
    } else {
      this.item.text = `$(sparkle) ${label}`;
      this.item.tooltip = vscode.l10n.t(
        'Inline suggestions from {0}, with context from the index. {1} Click to turn off or snooze.',
        status.model,
        status.index,
      );
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
