import * as vscode from 'vscode';
import { registerCommands } from '../commands/command-table';
import { readConfig, settingChanged } from '../config/config';
import { DisposableStore } from '../disposable-store';
import type { ErrorReporter } from '../errors/report-error';
import { presentOverview } from '../indexing/describe-state';
import type { IndexManager } from '../indexing/index-manager';
import { completionCommands, type CompletionControls } from './commands';
import { suggestsIn } from './languages';
import { type CompletionProblem, ProblemLatch } from './problems';
import { InlineSuggestionProvider } from './provider';
import { recentEditOf } from './recent-edit';
import { CompletionSessions } from './sessions';
import { CompletionStatusBar } from './status-bar';
import { CompletionToggle, type ToggleState } from './toggle';

/** Where the switch's on/off is kept across windows and restarts (a snooze is not). */
const TOGGLE_KEY = 'reposage.completion.on';

/** Suggestions for saved files and new ones; not for output, settings or source-control inputs. */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

/**
 * Inline code suggestions: the provider, the switch and its status bar entry, the feed of recent
 * edits, and the commands. Nothing is sent to a model from an untrusted workspace.
 */
export class InlineCompletions implements vscode.Disposable, CompletionControls {
  private readonly store = new DisposableStore();
  private readonly toggle: CompletionToggle;
  private readonly sessions: CompletionSessions;
  private readonly problems: ProblemLatch;
  private readonly status: CompletionStatusBar;
  private snoozeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    indexes: IndexManager,
    errors: ErrorReporter,
    log: vscode.LogOutputChannel,
  ) {
    this.toggle = new CompletionToggle(context.globalState.get<boolean>(TOGGLE_KEY, true));
    this.sessions = this.store.add(new CompletionSessions(indexes));
    this.problems = new ProblemLatch((problem) => {
      if (problem) log.warn(`Inline suggestions paused: ${problem.message}`);
      else log.info('Inline suggestions work again.');
      this.status.update();
    });
    this.status = this.store.add(
      new CompletionStatusBar(() => ({
        trusted: vscode.workspace.isTrusted,
        toggle: this.state(),
        problem: this.problems.current(),
        offForLanguage: this.offForActiveLanguage(),
        model: this.model(),
        index: presentOverview(indexes.overview(), indexes.unavailableReason()).tooltip,
      })),
    );
    this.store.add(indexes.onDidChange(() => this.status.update()));
    const provider = new InlineSuggestionProvider(this.sessions, this.problems, (document) => this.wanted(document));
    this.store.add(vscode.languages.registerInlineCompletionItemProvider(SELECTOR, provider));
    this.store.add(vscode.workspace.onDidChangeTextDocument((event) => this.recordEdits(event)));
    this.store.add(vscode.window.onDidChangeActiveTextEditor(() => this.status.update()));
    this.store.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.status.update()));
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (
          settingChanged(event, 'completionModel') ||
          settingChanged(event, 'ollamaHost') ||
          settingChanged(event, 'ollamaHeaders') ||
          settingChanged(event, 'completionDebounceMs')
        ) {
          this.sessions.reset();
          this.problems.clear();
        }
        this.status.update();
      }),
    );
    this.store.add({ dispose: () => clearTimeout(this.snoozeTimer) });
    registerCommands(completionCommands(this, errors), this.store, errors);
  }

  state(): ToggleState {
    return this.toggle.state(Date.now());
  }

  problem(): CompletionProblem | undefined {
    return this.problems.current();
  }

  model(): string {
    return readConfig().completionModel;
  }

  turnOn(): void {
    this.toggle.turnOn();
    this.switched();
  }

  turnOff(): void {
    this.toggle.turnOff();
    this.switched();
  }

  snooze(): void {
    this.toggle.snooze(Date.now());
    this.switched();
    clearTimeout(this.snoozeTimer);
    const endsIn = this.toggle.snoozeEndsIn(Date.now());
    if (endsIn !== undefined) this.snoozeTimer = setTimeout(() => this.status.update(), endsIn + 50);
  }

  retry(): void {
    this.problems.clear();
    void vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }

  dispose(): void {
    this.store.dispose();
  }

  private switched(): void {
    void this.context.globalState.update(TOGGLE_KEY, this.toggle.isOn());
    this.status.update();
  }

  private wanted(document: vscode.TextDocument): boolean {
    return (
      vscode.workspace.isTrusted &&
      this.toggle.isActive(Date.now()) &&
      vscode.languages.match(SELECTOR, document) > 0 &&
      this.languageOn(document)
    );
  }

  /** Reads the settings for the document, so a `[language]` section's reposage.completion.enabled applies. */
  private languageOn(document: vscode.TextDocument): boolean {
    const config = readConfig(document);
    return suggestsIn(
      { languageId: document.languageId, path: document.uri.path },
      { enabled: config.completionEnabled, languages: config.completionLanguages },
    );
  }

  private offForActiveLanguage(): string | undefined {
    const document = vscode.window.activeTextEditor?.document;
    return document && vscode.languages.match(SELECTOR, document) > 0 && !this.languageOn(document)
      ? document.languageId
      : undefined;
  }

  /** Feeds what the user just changed to the document's session; the model then sees work the index has not. */
  private recordEdits(event: vscode.TextDocumentChangeEvent): void {
    const { document } = event;
    if (event.contentChanges.length === 0 || !this.wanted(document)) return;
    // Only what the user is looking at: not files other tools rewrite in the background.
    if (!vscode.window.visibleTextEditors.some((editor) => editor.document === document)) return;
    const { session, path } = this.sessions.forDocument(document);
    const lines = { lineCount: document.lineCount, lineAt: (line: number) => document.lineAt(line).text };
    for (const change of event.contentChanges) {
      const edit = recentEditOf(path, { startLine: change.range.start.line, text: change.text }, lines);
      if (edit) session.recordEdit(edit);
    }
  }
}
