import { statusText } from '../../core/chat/ask';
import type { AskEvent, AskStatus, ChatTurn, Source, SourceRef } from '../../core/chat/types';
import type { RetrievalTrace } from '../../core/retrieval/types';
import type { AnswerPart, Citation, TraceView, Turn } from '../../shared/chat-protocol';

/** The trace table shows the head of the candidate list; the rest adds length, not insight. */
const TRACE_ROWS = 30;

/**
 * What the webview is sent for one event of the core's answer stream; `describe` words a status in the UI's language.
 */
export function answerParts(event: AskEvent, describe: (status: AskStatus) => string = statusText): AnswerPart[] {
  switch (event.type) {
    case 'retrieval':
      return [
        { kind: 'sources', sources: event.sources.map(toCitation) },
        { kind: 'trace', trace: toTraceView(event.trace) },
      ];
    case 'status':
      return [{ kind: 'progress', text: describe(event) }];
    case 'delta':
      return event.text ? [{ kind: 'delta', text: event.text }] : [];
    case 'final':
      // The final sources carry their verification: whether the files still say what was shown.
      return [{ kind: 'sources', sources: event.sources.map(toCitation) }];
  }
}

function toCitation(source: SourceRef | Source): Citation {
  const checked = 'verified' in source ? { verified: source.verified, reason: source.reason } : {};
  return { n: source.n, path: source.path, startLine: source.startLine, endLine: source.endLine, ...checked };
}

export function toTraceView(trace: RetrievalTrace): TraceView {
  return {
    mode: trace.mode,
    totalMs: trace.totalMs,
    stages: trace.stages.map(({ stage, ms }) => ({ stage, ms })),
    rows: trace.candidates.slice(0, TRACE_ROWS).map((candidate) => ({
      path: candidate.chunk.path,
      startLine: candidate.chunk.startLine,
      endLine: candidate.chunk.endLine,
      score: Number.isFinite(candidate.score) ? candidate.score : 0,
      ranks: { ...candidate.ranks },
    })),
  };
}

/** Earlier turns as the chat model reads them; failed or empty answers teach it nothing. */
export function toChatHistory(turns: readonly Turn[]): ChatTurn[] {
  return turns
    .filter((turn) => !turn.error && turn.answer.trim().length > 0)
    .flatMap((turn): ChatTurn[] => [
      { role: 'user', content: turn.question },
      { role: 'assistant', content: turn.answer },
    ]);
}
