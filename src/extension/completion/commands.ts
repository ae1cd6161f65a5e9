import * as vscode from 'vscode';
import type { CommandSpec } from '../commands/command-table';
import { COMMANDS } from '../commands/ids';
import { CONFIG_SECTION } from '../config/settings';
import type { ErrorReporter } from '../errors/report-error';
import type { CompletionProblem } from './problems';
import type { ToggleState } from './toggle';

/** What the commands act on; the feature owns it. */
export interface CompletionControls {
  state(): ToggleState;
  problem(): CompletionProblem | undefined;
  model(): string;
  turnOn(): void;
  turnOff(): void;
  snooze(): void;
  /** Forget the failure and ask the model again on the next keystroke. */
  retry(): void;
}

/** Toggle, Snooze, and the menu behind the status bar entry. */
export function completionCommands(controls: CompletionControls, errors: ErrorReporter): CommandSpec[] {
  return [
    {
      id: COMMANDS.toggleCompletions,
      run: () => (controls.state().kind === 'on' ? controls.turnOff() : controls.turnOn()),
    },
    {
      id: COMMANDS.snoozeCompletions,
      unavailable: () =>
        controls.state().kind === 'off'
          ? vscode.l10n.t('Inline suggestions are off; there is nothing to snooze.')
          : undefined,
      run: () => controls.snooze(),
    },
    { id: COMMANDS.completionMenu, run: () => showMenu(controls, errors) },
  ];
}

async function showMenu(controls: CompletionControls, errors: ErrorReporter): Promise<void> {
  type Item = vscode.QuickPickItem & { run: () => unknown };
  const problem = controls.problem();
  const state = controls.state();
  const problemItems: Item[] = problem
    ? [
        {
          label: `$(warning) ${vscode.l10n.t('What to Do')}`,
          detail: problem.message,
          // The error's notification carries the fixes for its code (start Ollama, pull the model, open a setting).
          run: () => errors.report(problem.error, { model: controls.model() }),
        },
        { label: `$(refresh) ${vscode.l10n.t('Retry Now')}`, run: () => controls.retry() },
        { label: '', kind: vscode.QuickPickItemKind.Separator, run: () => undefined },
      ]
    : [];
  const switchItems: Item[] =
    state.kind === 'on'
      ? [
          { label: `$(circle-slash) ${vscode.l10n.t('Turn Off')}`, run: () => controls.turnOff() },
          { label: `$(clock) ${vscode.l10n.t('Snooze for 5 Minutes')}`, run: () => controls.snooze() },
        ]
      : [{ label: `$(check) ${vscode.l10n.t('Turn On')}`, run: () => controls.turnOn() }];
  const picked = await vscode.window.showQuickPick<Item>(
    [
      ...problemItems,
      ...switchItems,
      {
        label: `$(settings-gear) ${vscode.l10n.t('Settings')}`,
        description: vscode.l10n.t('model, languages, delay'),
        // The search matches reposage.completionModel as well as the reposage.completion.* settings.
        run: () => vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.completion`),
      },
      { label: `$(output) ${vscode.l10n.t('Show Log')}`, run: () => vscode.commands.executeCommand(COMMANDS.showLog) },
    ],
    { title: vscode.l10n.t('RepoSage Inline Suggestions ({0})', controls.model()) },
  );
  await picked?.run();
}
