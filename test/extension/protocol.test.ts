import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  applyPart,
  parseFromWebview,
  parseToWebview,
  parseUiStrings,
  UI_STRING_KEYS,
  type FromWebview,
  type ToWebview,
  type Turn,
} from '../../src/shared/chat-protocol';

const turn: Turn = {
  id: 't1',
  question: 'Where is the lock taken?',
  answer: 'In `acquireIndexLock` [1].',
  sources: [{ n: 1, path: 'src/lock.ts', startLine: 3, endLine: 9, verified: true }],
  trace: {
    mode: 'hybrid',
    totalMs: 12.5,
    stages: [{ stage: 'bm25', ms: 2 }],
    rows: [{ path: 'src/lock.ts', startLine: 3, endLine: 9, score: 0.03, ranks: { bm25: 1, fused: 1 } }],
  },
};

describe('messages from the webview', () => {
  const valid: FromWebview[] = [
    { type: 'ready' },
    { type: 'ask', id: 'a', question: 'why?', context: undefined },
    { type: 'ask', id: 'a', question: 'why?', context: 'ctx' },
    { type: 'stop', id: 'a' },
    { type: 'newChat' },
    { type: 'openCitation', path: 'src/a.ts', startLine: 1, endLine: 4 },
    { type: 'openLink', url: 'https://example.com' },
    { type: 'copy', text: 'x' },
    { type: 'insert', text: 'x' },
  ];

  it.each(valid)('accepts %j', (message) => {
    expect(parseFromWebview(structuredClone(message))).toEqual(message);
  });

  it.each([
    null,
    'ready',
    [],
    { type: 'eval', code: 'x' },
    { type: 'ask', id: 1, question: 'why?' },
    { type: 'ask', id: 'a', question: '   ' },
    { type: 'ask', id: 'a', question: 'q'.repeat(LIMITS.question + 1) },
    { type: 'ask', id: 'a', question: 'why?', context: 5 },
    { type: 'openCitation', path: 'a.ts', startLine: 0, endLine: 2 },
    { type: 'openCitation', path: 'a.ts', startLine: 5, endLine: 2 },
    { type: 'openCitation', path: 'a.ts', startLine: 1.5, endLine: 2 },
    { type: 'openCitation', path: ['a.ts'], startLine: 1, endLine: 2 },
    { type: 'copy' },
  ])('rejects %j', (message) => {
    expect(parseFromWebview(message)).toBeUndefined();
  });

  it('drops fields the protocol does not know', () => {
    expect(parseFromWebview({ type: 'stop', id: 'a', extra: '<script>' })).toEqual({ type: 'stop', id: 'a' });
  });
});

describe('messages to the webview', () => {
  const valid: ToWebview[] = [
    { type: 'history', turns: [turn] },
    { type: 'answer', id: 'a', done: false, content: { kind: 'delta', text: 'Hi' } },
    { type: 'answer', id: 'a', done: false, content: { kind: 'sources', sources: turn.sources } },
    { type: 'answer', id: 'a', done: false, content: { kind: 'trace', trace: turn.trace! } },
    {
      type: 'answer',
      id: 'a',
      done: false,
      content: { kind: 'notice', text: 'Answered from a partial index (64 of 134 files).' },
    },
    { type: 'history', turns: [{ ...turn, notice: 'Answered from a partial index (64 of 134 files).' }] },
    { type: 'answer', id: 'a', done: true, error: undefined, stopped: true },
    { type: 'answer', id: 'a', done: true, error: 'Ollama is not running.' },
    { type: 'submit', question: 'Explain this', context: 'c1' },
    { type: 'availability', reason: 'Untrusted workspace', notice: undefined },
    { type: 'availability', reason: undefined, notice: undefined },
    { type: 'availability', reason: undefined, notice: 'Answers come from a partial index (2 of 5 files).' },
  ];

  it.each(valid)('accepts %j', (message) => {
    expect(parseToWebview(structuredClone(message))).toEqual(message);
  });

  it.each([
    { type: 'answer', id: 'a', content: { kind: 'delta', text: 'x' } },
    { type: 'answer', id: 'a', done: false, content: { kind: 'html', html: '<b>' } },
    {
      type: 'answer',
      id: 'a',
      done: false,
      content: { kind: 'sources', sources: [{ n: 1, path: 'a', startLine: 1, endLine: 2, verified: 'yes' }] },
    },
    { type: 'answer', id: 'a', done: false, content: { kind: 'trace', trace: { ...turn.trace, totalMs: Number.NaN } } },
    {
      type: 'answer',
      id: 'a',
      done: false,
      content: { kind: 'trace', trace: { ...turn.trace, rows: [{ ...turn.trace!.rows[0], ranks: { bm25: -1 } }] } },
    },
    { type: 'history', turns: [{ ...turn, sources: 'none' }] },
    { type: 'history', turns: 'none' },
    { type: 'answer', id: 'a', done: true, error: 42 },
    { type: 'answer', id: 'a', done: false, content: { kind: 'notice', text: 7 } },
    { type: 'availability', notice: { html: '<b>' } },
  ])('rejects %j', (message) => {
    expect(parseToWebview(message)).toBeUndefined();
  });
});

describe('applyPart', () => {
  it('builds a turn from streamed parts', () => {
    const built: Turn = { id: 't', question: 'q', answer: '', sources: [] };
    applyPart(built, { kind: 'sources', sources: turn.sources });
    applyPart(built, { kind: 'delta', text: 'In ' });
    applyPart(built, { kind: 'delta', text: 'here [1].' });
    applyPart(built, { kind: 'trace', trace: turn.trace! });
    applyPart(built, { kind: 'notice', text: 'partial' });
    expect(built).toEqual({
      id: 't',
      question: 'q',
      answer: 'In here [1].',
      sources: turn.sources,
      trace: turn.trace,
      notice: 'partial',
    });
  });
});

describe('UI strings', () => {
  it('need every label', () => {
    const strings = Object.fromEntries(UI_STRING_KEYS.map((key) => [key, key]));
    expect(parseUiStrings(strings)).toEqual(strings);
    const { send: _send, ...missing } = strings;
    expect(parseUiStrings(missing)).toBeUndefined();
  });
});
