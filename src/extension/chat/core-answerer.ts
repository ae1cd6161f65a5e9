import * as vscode from 'vscode';
import { askQuestion } from '../../core/chat/ask';
import { RepoSageError } from '../../core/errors';
import { incompleteNote } from '../../core/store/integrity';
import { readConfig, ollamaClient } from '../config/config';
import { DisposableStore } from '../disposable-store';
import type { FolderIndex } from '../indexing/folder-index';
import type { IndexManager } from '../indexing/index-manager';
import { describeState, presentOverview } from '../indexing/describe-state';
import { isSearchable } from '../indexing/index-state';
import type { SearchModels } from '../retrieval/search-models';
import type { AnswerRequest, Answerer } from './answerer';
import { answerParts, toChatHistory } from './answer-parts';
import type { AskStatus } from '../../core/chat/types';

/**
 * Answers chat questions with the core: retrieval over a folder's index, then the Ollama chat
 * model, streamed. Availability follows the indexes: no answers before an index exists.
 */
export class CoreAnswerer implements Answerer, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  readonly onDidChangeAvailability = this.changed.event;

  constructor(
    private readonly indexes: IndexManager,
    private readonly models: SearchModels,
  ) {
    this.store.add(indexes.onDidChange(() => this.changed.fire()));
  }

  get model(): string {
    return readConfig().chatModel;
  }

  unavailableReason(): string | undefined {
    const reason = this.indexes.unavailableReason();
    if (reason) return reason;
    if (this.searchable().length > 0) return undefined;
    const states = this.indexes.all().map((index) => index.state);
    if (states.some((state) => state.kind === 'indexing'))
      return vscode.l10n.t('RepoSage is building the index; ask when it is ready.');
    const damaged = states.find((state) => state.kind === 'damaged');
    if (damaged) return describeState(damaged);
    return vscode.l10n.t('Build the index first: run "RepoSage: Re-index Workspace".');
  }

  /** The status bar's line when the index is partial, damaged or failing: the panel says the same. */
  indexNotice(): string | undefined {
    const shown = presentOverview(this.indexes.overview(), this.indexes.unavailableReason());
    return shown.tone ? shown.tooltip : undefined;
  }

  async answer(request: AnswerRequest): Promise<void> {
    const index = this.pickIndex();
    const config = readConfig(index.folder.uri);
    const search = await this.models.open(index.dbDir);
    try {
      const incomplete = incompleteNote(search.store.health);
      // A turn shows one notice: a later one repeats the earlier.
      const notices = incomplete
        ? [vscode.l10n.t('Answered from a {0}: files not indexed yet cannot be found.', incomplete)]
        : [];
      if (notices.length > 0) request.onPart({ kind: 'notice', text: notices.join(' ') });
      const events = askQuestion(
        { question: request.question, history: toChatHistory(request.history), selection: request.selection },
        {
          retriever: search.retriever,
          ollama: ollamaClient(config),
          model: config.chatModel,
          root: index.root,
          k: config.topK,
          rerankCandidates: config.rerankCandidates,
          maxAnswerTokens: config.maxAnswerTokens,
        },
        request.signal,
      );
      for await (const event of events) {
        for (const part of answerParts(event, describeStatus)) request.onPart(part);
        if (event.type === 'final' && event.truncated) {
          notices.push(
            vscode.l10n.t('The answer was cut at its length limit: raise "RepoSage › Chat: Max Answer Tokens".'),
          );
          request.onPart({ kind: 'notice', text: notices.join(' ') });
        }
      }
    } finally {
      search.close();
    }
  }

  dispose(): void {
    this.store.dispose();
  }

  /** Indexes a question can search: finished, written by another window, or keyword-searchable while being built. */
  private searchable(): FolderIndex[] {
    return this.indexes.all().filter((index) => isSearchable(index.state));
  }

  /** The folder of the active editor when it has an index, else the first folder that has one. */
  private pickIndex(): FolderIndex {
    const searchable = this.searchable();
    const active = vscode.window.activeTextEditor?.document.uri;
    const current = active ? this.indexes.forUri(active) : undefined;
    const picked = current && searchable.includes(current) ? current : searchable[0];
    if (!picked)
      throw new RepoSageError(
        'INDEX_MISSING',
        vscode.l10n.t('No folder of this workspace has a RepoSage index yet.'),
        vscode.l10n.t('Run "RepoSage: Re-index Workspace".'),
      );
    return picked;
  }
}

function describeStatus(status: AskStatus): string {
  return status.stage === 'loading-model'
    ? vscode.l10n.t('Loading {0}…', status.model)
    : vscode.l10n.t('{0} is reading {1} sources…', status.model, status.sources);
}
