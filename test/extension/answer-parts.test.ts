import { describe, expect, it } from 'vitest';
import type { AskEvent } from '../../src/core/chat/types';
import type { RetrievalTrace } from '../../src/core/retrieval/types';
import { answerParts, toChatHistory } from '../../src/extension/chat/answer-parts';
import { parseAnswerPart } from '../../src/shared/chat-protocol';

const chunk = (path: string, startLine: number, endLine: number) => ({
  id: `${path}:${startLine}`,
  path,
  language: 'typescript',
  startLine,
  endLine,
  contentHash: 'h',
  text: 'code',
});

const trace: RetrievalTrace = {
  query: 'where is the lock',
  mode: 'rerank',
  stages: [
    { stage: 'embed', ms: 4.2 },
    { stage: 'rerank', ms: 30 },
  ],
  candidates: [
    {
      chunk: chunk('src/lock.ts', 1, 20),
      score: 7.5,
      ranks: { bm25: 2, dense: 1, fused: 1, rerank: 1 },
      scores: { rerank: 7.5 },
    },
    { chunk: chunk('src/sync.ts', 30, 60), score: Number.NaN, ranks: { bm25: 1 }, scores: {} },
  ],
  totalMs: 40,
};

describe('answerParts', () => {
  it('sends the sources and the trace once retrieval is done, in a form the webview accepts', () => {
    const parts = answerParts({
      type: 'retrieval',
      query: trace.query,
      sources: [{ n: 1, path: 'src/lock.ts', startLine: 1, endLine: 20 }],
      trace,
    });
    expect(parts[0]).toEqual({ kind: 'sources', sources: [{ n: 1, path: 'src/lock.ts', startLine: 1, endLine: 20 }] });
    expect(parts[1]).toMatchObject({
      kind: 'trace',
      trace: {
        mode: 'rerank',
        totalMs: 40,
        rows: [
          { path: 'src/lock.ts', ranks: { rerank: 1 } },
          { path: 'src/sync.ts', score: 0 },
        ],
      },
    });
    for (const part of parts) expect(parseAnswerPart(structuredClone(part))).toEqual(part);
  });

  it('streams deltas and ends with the verified sources', () => {
    expect(answerParts({ type: 'delta', text: 'The lock' })).toEqual([{ kind: 'delta', text: 'The lock' }]);
    expect(answerParts({ type: 'delta', text: '' })).toEqual([]);
    const final: AskEvent = {
      type: 'final',
      answer: 'In src/lock.ts [1].',
      citations: [],
      sources: [{ n: 1, path: 'src/lock.ts', startLine: 1, endLine: 20, verified: false, reason: 'the file changed' }],
      model: 'qwen2.5-coder:7b',
      timings: { retrieval_ms: 5, total_ms: 100 },
    };
    const parts = answerParts(final);
    expect(parts).toEqual([
      {
        kind: 'sources',
        sources: [
          { n: 1, path: 'src/lock.ts', startLine: 1, endLine: 20, verified: false, reason: 'the file changed' },
        ],
      },
    ]);
    expect(parseAnswerPart(parts[0])).toEqual(parts[0]);
  });
});

describe('toChatHistory', () => {
  it('keeps answered turns as question and answer, and drops failed or empty ones', () => {
    const turns = [
      { id: '1', question: 'Where is the lock?', answer: 'In lock.ts [1].', sources: [] },
      { id: '2', question: 'Why?', answer: '', sources: [], error: 'Ollama is not running.' },
      { id: '3', question: 'Stopped one', answer: '  ', sources: [], stopped: true },
      { id: '4', question: 'Who calls it?', answer: 'sync.ts [2].', sources: [] },
    ];
    expect(toChatHistory(turns)).toEqual([
      { role: 'user', content: 'Where is the lock?' },
      { role: 'assistant', content: 'In lock.ts [1].' },
      { role: 'user', content: 'Who calls it?' },
      { role: 'assistant', content: 'sync.ts [2].' },
    ]);
  });
});
