import {
  applyPart,
  type AnswerPart,
  type Citation,
  type TraceView,
  type Turn,
  type UiStrings,
} from '../shared/chat-protocol';
import { parseMarkdown } from './markdown';
import { el, renderBlocks, text, type RenderActions } from './render-markdown';

export interface TurnActions {
  openSource(source: Citation): void;
  openLink(href: string): void;
  copy(code: string): void;
  insert(code: string): void;
}

/** One question and its answer on screen; streams in parts and re-renders the answer as it grows. */
export class TurnView {
  readonly element = el('section');
  private readonly answer = el('div');
  private readonly sources = el('div');
  private readonly trace = el('details');
  private readonly status = el('div');
  private readonly notice = el('div');
  private pendingRender = 0;

  constructor(
    readonly turn: Turn,
    private readonly strings: UiStrings,
    private readonly actions: TurnActions,
    streaming: boolean,
  ) {
    this.element.className = 'turn';
    this.element.dataset.id = turn.id;
    // Screen readers wait for a busy region to settle before reading it; tests wait for the same.
    this.element.setAttribute('aria-busy', String(streaming));
    const question = text(el('div'), turn.question);
    question.className = 'question';
    this.answer.className = 'answer';
    this.sources.className = 'sources';
    this.trace.className = 'trace';
    this.status.className = 'status';
    this.notice.className = 'notice';
    this.element.append(question, this.notice, this.answer, this.sources, this.trace, this.status);
    this.renderNotice();
    this.renderAnswer();
    this.renderSources();
    this.renderTrace();
    this.renderStatus(streaming);
  }

  apply(part: AnswerPart): void {
    applyPart(this.turn, part);
    switch (part.kind) {
      case 'progress':
        this.status.textContent = part.text;
        this.status.hidden = false;
        return;
      case 'delta':
        // Deltas arrive faster than frames; parse and render once per frame.
        if (!this.pendingRender) {
          this.renderStatus(true);
          this.pendingRender = requestAnimationFrame(() => {
            this.pendingRender = 0;
            this.renderAnswer();
          });
        }
        return;
      case 'sources':
        this.renderSources();
        this.renderAnswer();
        return;
      case 'trace':
        this.renderTrace();
        return;
      case 'notice':
        this.renderNotice();
        return;
    }
  }

  private renderNotice(): void {
    text(this.notice, this.turn.notice ?? '');
    this.notice.hidden = !this.turn.notice;
  }

  finish(error: string | undefined, stopped: boolean): void {
    cancelAnimationFrame(this.pendingRender);
    this.pendingRender = 0;
    this.turn.error = error;
    this.turn.stopped = stopped;
    this.renderAnswer();
    this.renderStatus(false);
    this.element.setAttribute('aria-busy', 'false');
  }

  private renderAnswer(): void {
    this.answer.replaceChildren(renderBlocks(parseMarkdown(this.turn.answer), this.renderActions()));
  }

  private renderActions(): RenderActions {
    return {
      strings: this.strings,
      hasSource: (n) => this.source(n) !== undefined,
      openCitation: (n) => {
        const source = this.source(n);
        if (source) this.actions.openSource(source);
      },
      openLink: this.actions.openLink,
      copy: this.actions.copy,
      insert: this.actions.insert,
    };
  }

  private renderSources(): void {
    const sources = this.turn.sources;
    this.sources.hidden = sources.length === 0;
    const list = el('ol');
    for (const source of sources) {
      const item = el('li');
      const link = text(el('a'), `[${source.n}] ${source.path}:${source.startLine}-${source.endLine}`);
      link.href = '#';
      link.className = 'source';
      link.addEventListener('click', (event) => {
        event.preventDefault();
        this.actions.openSource(source);
      });
      item.append(link);
      if (source.verified !== undefined) {
        const badge = text(el('span'), source.verified ? this.strings.verified : this.strings.unverified);
        badge.className = source.verified ? 'badge verified' : 'badge unverified';
        if (source.reason) badge.title = source.reason;
        item.append(' ', badge);
      }
      list.append(item);
    }
    this.sources.replaceChildren(text(el('h4'), this.strings.sources), list);
  }

  private renderTrace(): void {
    const trace = this.turn.trace;
    this.trace.hidden = !trace;
    if (!trace) return;
    const stages = trace.stages.map((stage) => `${stage.stage} ${stage.ms.toFixed(0)} ms`).join(' · ');
    const summary = text(
      el('summary'),
      `${this.strings.trace}: ${trace.mode}, ${trace.totalMs.toFixed(0)} ms (${stages})`,
    );
    this.trace.replaceChildren(summary, traceTable(trace, this.strings));
  }

  private renderStatus(streaming: boolean): void {
    const { error, stopped } = this.turn;
    // Errors name commands as `code` (`ollama pull …`): shown as code, not as literal backticks.
    if (error !== undefined) this.status.replaceChildren(renderBlocks(parseMarkdown(error), this.renderActions()));
    else this.status.textContent = stopped ? this.strings.stopped : streaming ? this.strings.working : '';
    this.status.classList.toggle('error', error !== undefined);
    this.status.hidden = this.status.textContent === '';
  }

  private source(n: number): Citation | undefined {
    return this.turn.sources.find((source) => source.n === n);
  }
}

function traceTable(trace: TraceView, strings: UiStrings): HTMLTableElement {
  const table = el('table');
  const head = el('tr');
  for (const title of ['#', strings.traceLocation, 'BM25', 'Dense', 'Fused', 'Rerank', strings.traceScore])
    head.append(text(el('th'), title));
  table.append(head);
  trace.rows.forEach((row, index) => {
    const tr = el('tr');
    const cells = [
      String(index + 1),
      `${row.path}:${row.startLine}-${row.endLine}`,
      rank(row.ranks.bm25),
      rank(row.ranks.dense),
      rank(row.ranks.fused),
      rank(row.ranks.rerank),
      row.score.toFixed(3),
    ];
    for (const cell of cells) tr.append(text(el('td'), cell));
    table.append(tr);
  });
  return table;
}

function rank(value: number | undefined): string {
  return value === undefined ? '–' : String(value);
}
