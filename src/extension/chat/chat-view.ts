import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { EditorSelection } from '../../core/chat/types';
import { isCancellation, RepoSageError } from '../../core/errors';
import { CHAT_VIEW_TYPE } from '../commands/ids';
import { DisposableStore } from '../disposable-store';
import type { ErrorReporter } from '../errors/report-error';
import type { Answerer } from './answerer';
import type { ChatHistory } from './chat-history';
import { chatHtml, newNonce } from './chat-html';
import { copyToClipboard, insertAtCursor, openCitation, openLink } from './editor-actions';
import { applyPart, parseFromWebview, type FromWebview, type ToWebview, type Turn } from '../../shared/chat-protocol';
import { uiStrings } from './ui-strings';

/**
 * The chat sidebar: serves the webview page, checks every message it sends, runs questions through
 * the answerer and streams the parts back. Answers keep running while the view is hidden; the page
 * gets the history again when it comes back.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly store = new DisposableStore();
  private view: vscode.WebviewView | undefined;
  private viewStore: DisposableStore | undefined;
  private pageReady = false;
  private readonly queued: { question: string; context?: string }[] = [];
  /** Editor context of questions a command submitted, until the page asks them. */
  private readonly contexts = new Map<string, EditorSelection>();
  private readonly running = new Map<string, { controller: AbortController; turn: Turn }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly history: ChatHistory,
    private readonly answerer: Answerer,
    private readonly errors: ErrorReporter,
  ) {
    this.store.add(answerer.onDidChangeAvailability(() => this.postAvailability()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.viewStore?.dispose();
    const viewStore = new DisposableStore();
    this.viewStore = viewStore;
    this.view = view;
    this.pageReady = false;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media, script] };
    view.webview.html = chatHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(script, 'chat.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'chat', 'chat.css')).toString(),
      strings: uiStrings(),
      nonce: newNonce(),
    });
    viewStore.add(
      view.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (message) void this.receive(message).catch((error: unknown) => this.errors.report(error));
      }),
    );
    // A hidden view's page is torn down; it says `ready` again when shown.
    viewStore.add(
      view.onDidChangeVisibility(() => {
        if (!view.visible) this.pageReady = false;
      }),
    );
    viewStore.add(
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
        viewStore.dispose();
      }),
    );
  }

  /** Shows the chat view and asks `question` in it, as if the user had typed it. */
  async ask(question: string, selection?: EditorSelection): Promise<void> {
    const context = selection ? randomUUID() : undefined;
    if (context && selection) this.contexts.set(context, selection);
    this.queued.push({ question, context });
    await this.reveal();
    this.flushQueued();
  }

  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_TYPE}.focus`);
  }

  dispose(): void {
    for (const { controller } of this.running.values()) controller.abort();
    this.viewStore?.dispose();
    this.store.dispose();
  }

  private async receive(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        this.post({
          type: 'history',
          turns: [...this.history.turns(), ...[...this.running.values()].map((entry) => entry.turn)],
        });
        this.postAvailability();
        this.flushQueued();
        return;
      case 'ask': {
        const selection = message.context ? this.contexts.get(message.context) : undefined;
        if (message.context) this.contexts.delete(message.context);
        return this.answer(message.id, message.question, selection);
      }
      case 'stop':
        this.running.get(message.id)?.controller.abort();
        return;
      case 'newChat':
        for (const { controller } of this.running.values()) controller.abort();
        await this.history.clear();
        this.post({ type: 'history', turns: [] });
        return;
      case 'openCitation':
        return openCitation(message.path, message.startLine, message.endLine);
      case 'openLink':
        return openLink(message.url);
      case 'copy':
        return copyToClipboard(message.text);
      case 'insert':
        return insertAtCursor(message.text);
    }
  }

  private async answer(id: string, question: string, selection: EditorSelection | undefined): Promise<void> {
    if (this.running.has(id)) return;
    const turn: Turn = { id, question, answer: '', sources: [] };
    const reason = this.answerer.unavailableReason();
    if (reason) {
      this.post({ type: 'answer', id, done: true, error: reason });
      return;
    }
    const controller = new AbortController();
    const history = this.history.turns();
    this.running.set(id, { controller, turn });
    try {
      await this.answerer.answer({
        question,
        history,
        selection,
        signal: controller.signal,
        onPart: (part) => {
          applyPart(turn, part);
          this.post({ type: 'answer', id, done: false, content: part });
        },
      });
      this.post({ type: 'answer', id, done: true });
    } catch (error) {
      if (isCancellation(error)) {
        turn.stopped = true;
        this.post({ type: 'answer', id, done: true, stopped: true });
      } else {
        turn.error =
          error instanceof RepoSageError ? error.describe() : error instanceof Error ? error.message : String(error);
        this.post({ type: 'answer', id, done: true, error: turn.error });
        this.errors.report(error, { model: this.answerer.model });
      }
    } finally {
      this.running.delete(id);
      await this.history.save(turn);
    }
  }

  private flushQueued(): void {
    if (!this.pageReady) return;
    for (const { question, context } of this.queued.splice(0)) this.post({ type: 'submit', question, context });
  }

  private postAvailability(): void {
    this.post({
      type: 'availability',
      reason: this.answerer.unavailableReason(),
      notice: this.answerer.indexNotice(),
    });
  }

  private post(message: ToWebview): void {
    if (this.view && this.pageReady) void this.view.webview.postMessage(message);
  }
}
