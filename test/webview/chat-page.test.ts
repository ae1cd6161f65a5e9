// @vitest-environment happy-dom
// @vitest-environment-options { "happyDOM": { "settings": { "handleDisabledFileLoadingAsSuccess": true } } }
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatHtml } from '../../src/extension/chat/chat-html';
import { UI_STRING_KEYS, type FromWebview, type ToWebview, type UiStrings } from '../../src/shared/chat-protocol';

/**
 * The chat page's script in a DOM, as VS Code runs it: `acquireVsCodeApi` for posting and the view's saved state,
 * which outlives the page when VS Code replaces it.
 */
const strings = Object.fromEntries(UI_STRING_KEYS.map((key) => [key, key])) as UiStrings;
let saved: unknown;
let posted: FromWebview[] = [];

/** Loads a fresh page into the document, as VS Code does when it shows the view or replaces its page. */
async function loadPage(): Promise<void> {
  const html = chatHtml({
    cspSource: 'test:',
    scriptUri: 'test:chat.js',
    styleUri: 'test:chat.css',
    strings,
    nonce: 'n',
  });
  const page = new DOMParser().parseFromString(html, 'text/html');
  for (const script of page.querySelectorAll('script')) script.remove();
  document.body.replaceWith(document.importNode(page.body, true));
  posted = [];
  vi.stubGlobal('acquireVsCodeApi', () => ({
    postMessage: (message: FromWebview) => posted.push(structuredClone(message)),
    getState: () => saved,
    setState: (state: unknown) => {
      saved = structuredClone(state);
    },
  }));
  vi.resetModules();
  await import('../../src/webview/main');
}

function deliver(message: ToWebview): void {
  window.dispatchEvent(new MessageEvent('message', { data: message }));
}

function typeAndSend(text: string): void {
  const box = document.getElementById('question') as HTMLTextAreaElement;
  box.value = text;
  box.dispatchEvent(new Event('input'));
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
}

const asks = () => posted.filter((message) => message.type === 'ask');

/** A fresh page, with the extension's (empty) history, that sends `question`; returns what it posted. */
async function pageThatAsks(question: string): Promise<Extract<FromWebview, { type: 'ask' }>> {
  await loadPage();
  deliver({ type: 'history', turns: [] });
  typeAndSend(question);
  const [sent] = asks();
  if (sent?.type !== 'ask') throw new Error('the page did not ask');
  expect(sent.question).toBe(question);
  return sent;
}
const questionsShown = () => [...document.querySelectorAll('.turn .question')].map((node) => node.textContent);

describe('the chat page replaced just as a question is sent', () => {
  afterEach(() => {
    saved = undefined;
    vi.unstubAllGlobals();
  });

  it('asks it again, once, when the history shows the extension never got it', async () => {
    const sent = await pageThatAsks('Where is the stock kept?');

    await loadPage();
    expect(posted).toEqual([{ type: 'ready' }]);
    deliver({ type: 'history', turns: [] });
    expect(asks()).toEqual([sent]);
    expect(questionsShown()).toEqual(['Where is the stock kept?']);

    deliver({ type: 'history', turns: [] });
    expect(asks()).toHaveLength(1);
  });

  it('does not ask again a question the history holds, and forgets it', async () => {
    const sent = await pageThatAsks('Which class keeps the stock levels?');

    await loadPage();
    deliver({ type: 'history', turns: [{ id: sent.id, question: sent.question, answer: '', sources: [] }] });
    expect(asks()).toEqual([]);

    await loadPage();
    deliver({ type: 'history', turns: [] });
    expect(asks()).toEqual([]);
  });

  it('does not ask again once the answer has started', async () => {
    const sent = await pageThatAsks('How do I set a reorder point?');
    deliver({ type: 'answer', id: sent.id, done: false, content: { kind: 'progress', text: 'Searching…' } });

    await loadPage();
    deliver({ type: 'history', turns: [] });
    expect(asks()).toEqual([]);
  });

  it('keeps a typed draft across pages', async () => {
    await loadPage();
    const box = document.getElementById('question') as HTMLTextAreaElement;
    box.value = 'half a ques';
    box.dispatchEvent(new Event('input'));

    await loadPage();
    expect((document.getElementById('question') as HTMLTextAreaElement).value).toBe('half a ques');
  });
});
