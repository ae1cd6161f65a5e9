import { parseToWebview, parseUiStrings, type AnswerPart, type ToWebview, type Turn } from '../shared/chat-protocol';
import { TurnView, type TurnActions } from './turn-view';
import { Host } from './vscode-api';

/**
 * The chat view's page: a transcript of turns and a composer. The extension owns the history and
 * does the work; this page shows it, streams answers in, and turns clicks into typed requests.
 */
const strings = parseUiStrings(JSON.parse(document.body.dataset.strings ?? 'null'));
if (!strings) throw new Error('RepoSage chat: the page was loaded without its labels.');

const host = new Host();
const transcript = byId('transcript');
const empty = byId('empty');
const banner = byId('banner');
const question = byId('question') as HTMLTextAreaElement;
const send = byId('send') as HTMLButtonElement;
const stop = byId('stop') as HTMLButtonElement;
const newChat = byId('new-chat') as HTMLButtonElement;

const views = new Map<string, TurnView>();
let active: string | undefined;
let unavailable: string | undefined;
// The question sent last, until the extension is seen to have it. VS Code can replace this page just as a question
// is sent, and the message may die with the old page: the new page asks it again when the history lacks it.
let unsent = host.state.unsent;
let resendUnsent = unsent !== undefined;

const actions: TurnActions = {
  openSource: (source) =>
    host.post({ type: 'openCitation', path: source.path, startLine: source.startLine, endLine: source.endLine }),
  openLink: (url) => host.post({ type: 'openLink', url }),
  copy: (text) => host.post({ type: 'copy', text }),
  insert: (text) => host.post({ type: 'insert', text }),
};

question.placeholder = strings.placeholder;
send.textContent = strings.send;
stop.textContent = strings.stop;
newChat.textContent = strings.newChat;
empty.textContent = strings.empty;
// Keep anything typed before this script ran.
question.value ||= host.state.draft;

window.addEventListener('message', (event: MessageEvent) => {
  // Anything that does not match the protocol is dropped, whatever sent it.
  const message = parseToWebview(event.data);
  if (message) receive(message);
});

question.addEventListener('input', () => {
  host.update({ draft: question.value });
});
question.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit(question.value);
  } else if (event.key === 'Escape' && active) {
    event.preventDefault();
    host.post({ type: 'stop', id: active });
  }
});
byId('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  submit(question.value);
});
stop.addEventListener('click', () => {
  if (active) host.post({ type: 'stop', id: active });
});
newChat.addEventListener('click', () => {
  // The extension stops the running answer and sends an empty history; nothing is kept on screen.
  active = undefined;
  taken();
  host.post({ type: 'newChat' });
});

host.post({ type: 'ready' });

function receive(message: ToWebview): void {
  switch (message.type) {
    case 'history':
      showHistory(message.turns);
      return;
    case 'answer':
      if (message.id === unsent?.id) taken();
      if (message.done) finish(message.id, message.error, message.stopped === true);
      else stream(message.id, message.content);
      return;
    case 'submit':
      submit(message.question, message.context);
      return;
    case 'availability':
      unavailable = message.reason;
      banner.textContent = message.reason ?? message.notice ?? '';
      banner.hidden = !banner.textContent;
      updateControls();
      return;
  }
}

function submit(text: string, context?: string, id: string = crypto.randomUUID()): void {
  const trimmed = text.trim();
  if (!trimmed || active || unavailable) return;
  add({ id, question: trimmed, answer: '', sources: [] }, true);
  active = id;
  question.value = '';
  unsent = { type: 'ask', id, question: trimmed, context };
  host.update({ draft: '', unsent });
  updateControls();
  host.post(unsent);
}

/** The extension has the question last sent. */
function taken(): void {
  unsent = undefined;
  host.update({ unsent: undefined });
}

function stream(id: string, part: AnswerPart): void {
  const stick = nearBottom();
  views.get(id)?.apply(part);
  if (stick) requestAnimationFrame(() => transcript.scrollTo({ top: transcript.scrollHeight }));
}

function finish(id: string, error: string | undefined, stopped: boolean): void {
  views.get(id)?.finish(error, stopped);
  if (active === id) active = undefined;
  updateControls();
}

/** Shows the saved conversation; a question asked before it arrived stays, still streaming, at the end. */
function showHistory(turns: Turn[]): void {
  const streaming = active ? views.get(active) : undefined;
  views.clear();
  transcript.replaceChildren();
  for (const turn of turns) add(turn, false);
  if (streaming && !views.has(streaming.turn.id)) {
    views.set(streaming.turn.id, streaming);
    transcript.append(streaming.element);
  } else {
    active = undefined;
  }
  updateControls();
  transcript.scrollTo({ top: transcript.scrollHeight });
  if (unsent && turns.some((turn) => turn.id === unsent?.id)) taken();
  if (resendUnsent && unsent) submit(unsent.question, unsent.context, unsent.id);
  resendUnsent = false;
}

function add(turn: Turn, streaming: boolean): void {
  const view = new TurnView(turn, strings!, actions, streaming);
  views.set(turn.id, view);
  transcript.append(view.element);
  empty.hidden = true;
  view.element.scrollIntoView({ block: 'end' });
}

function updateControls(): void {
  // In Restricted Mode (or with no folder open) nothing can be asked: the box says why instead of looking active.
  question.disabled = unavailable !== undefined;
  question.placeholder = unavailable ?? strings!.placeholder;
  question.title = unavailable ?? '';
  send.disabled = active !== undefined || unavailable !== undefined;
  stop.hidden = active === undefined;
  send.hidden = active !== undefined;
  empty.hidden = views.size > 0;
}

function nearBottom(): boolean {
  return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`RepoSage chat: the page has no #${id}.`);
  return element;
}
