/**
 * The one contract between the extension and the chat webview. Both sides import this file, so it
 * imports nothing (no `vscode`, no DOM, no core). Every message that crosses is checked with the
 * parsers below before it is used: the webview renders untrusted text, and the extension must not
 * trust a webview that could have been subverted by it.
 */

/** A numbered source of an answer, as shown to the model. */
export interface Citation {
  n: number;
  /** Workspace-relative, POSIX separators. */
  path: string;
  startLine: number;
  endLine: number;
  /** Whether the file still says what the model was shown; absent until checked (while streaming). */
  verified?: boolean;
  /** Why it could not be verified. */
  reason?: string;
}

export interface TraceRow {
  path: string;
  startLine: number;
  endLine: number;
  score: number;
  ranks: Partial<Record<RankName, number>>;
}

export type RankName = 'bm25' | 'dense' | 'fused' | 'rerank';

/** How the sources were found: per-stage timings and every candidate with its ranks. */
export interface TraceView {
  mode: string;
  totalMs: number;
  stages: { stage: string; ms: number }[];
  rows: TraceRow[];
}

/** A streamed piece of an answer. */
export type AnswerPart =
  | { kind: 'delta'; text: string }
  | { kind: 'sources'; sources: Citation[] }
  | { kind: 'trace'; trace: TraceView }
  /**
   * What the reader must know about where the answer comes from ("partial index (64 of 134 files)"); kept with the
   * turn.
   */
  | { kind: 'notice'; text: string }
  /** What the answer waits for before its first token ("Loading qwen2.5-coder:7b…"); not kept in the history. */
  | { kind: 'progress'; text: string };

/** A finished (or stopped, or failed) question and answer, as kept in the history. */
export interface Turn {
  id: string;
  question: string;
  answer: string;
  sources: Citation[];
  trace?: TraceView;
  notice?: string;
  error?: string;
  stopped?: boolean;
}

export type FromWebview =
  | { type: 'ready' }
  /** `context` echoes the id of a submit that carried editor context (a selection, a file). */
  | { type: 'ask'; id: string; question: string; context?: string }
  | { type: 'stop'; id: string }
  | { type: 'newChat' }
  | { type: 'openCitation'; path: string; startLine: number; endLine: number }
  | { type: 'openLink'; url: string }
  | { type: 'copy'; text: string }
  | { type: 'insert'; text: string };

export type ToWebview =
  | { type: 'history'; turns: Turn[] }
  /** Streaming: parts until `done`; a final chunk with `error` when the answer failed. */
  | { type: 'answer'; id: string; done: false; content: AnswerPart }
  | { type: 'answer'; id: string; done: true; error?: string; stopped?: boolean }
  /** A command (Ask About Selection, Explain This File) asks on the user's behalf. */
  | { type: 'submit'; question: string; context?: string }
  /**
   * Why the chat cannot answer right now (absent reason: it can), and what it must know about the
   * index it answers from (partial, damaged: the state the status bar shows), shown without blocking.
   */
  | { type: 'availability'; reason?: string; notice?: string };

/** Labels the webview shows, translated by the extension (vscode.l10n) and handed over in the page. */
export const UI_STRING_KEYS = [
  'placeholder',
  'send',
  'stop',
  'newChat',
  'empty',
  'copy',
  'insert',
  'sources',
  'verified',
  'unverified',
  'trace',
  'traceLocation',
  'traceScore',
  'stopped',
  'working',
] as const;

export type UiStrings = Record<(typeof UI_STRING_KEYS)[number], string>;

/** Adds a streamed part to a turn; the extension (for the history) and the webview (for the screen) both use it. */
export function applyPart(turn: Turn, part: AnswerPart): void {
  switch (part.kind) {
    case 'delta':
      turn.answer += part.text;
      return;
    case 'sources':
      turn.sources = part.sources;
      return;
    case 'trace':
      turn.trace = part.trace;
      return;
    case 'notice':
      turn.notice = part.text;
      return;
    case 'progress':
      return;
  }
}

/** Bounds on what crosses, so a runaway message cannot exhaust memory on the other side. */
export const LIMITS = { question: 20_000, text: 1_000_000, id: 100, path: 4_096 } as const;

type Fields = Record<string, unknown>;

function record(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

function text(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function line(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function list<T>(value: unknown, item: (entry: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.map(item);
  return items.every((entry) => entry !== undefined) ? (items as T[]) : undefined;
}

export function parseUiStrings(value: unknown): UiStrings | undefined {
  const m = record(value);
  return m && UI_STRING_KEYS.every((key) => text(m[key], LIMITS.question)) ? (m as UiStrings) : undefined;
}

export function parseFromWebview(value: unknown): FromWebview | undefined {
  const m = record(value);
  switch (m?.type) {
    case 'ready':
    case 'newChat':
      return { type: m.type };
    case 'ask':
      if (!text(m.id, LIMITS.id) || !text(m.question, LIMITS.question) || !m.question.trim()) return undefined;
      if (m.context !== undefined && !text(m.context, LIMITS.id)) return undefined;
      return { type: 'ask', id: m.id, question: m.question, context: m.context };
    case 'stop':
      return text(m.id, LIMITS.id) ? { type: 'stop', id: m.id } : undefined;
    case 'openCitation':
      return text(m.path, LIMITS.path) && line(m.startLine) && line(m.endLine) && m.endLine >= m.startLine
        ? { type: 'openCitation', path: m.path, startLine: m.startLine, endLine: m.endLine }
        : undefined;
    case 'openLink':
      return text(m.url, LIMITS.path) ? { type: 'openLink', url: m.url } : undefined;
    case 'copy':
    case 'insert':
      return text(m.text, LIMITS.text) ? { type: m.type, text: m.text } : undefined;
    default:
      return undefined;
  }
}

export function parseToWebview(value: unknown): ToWebview | undefined {
  const m = record(value);
  switch (m?.type) {
    case 'history': {
      const turns = list(m.turns, parseTurn);
      return turns ? { type: 'history', turns } : undefined;
    }
    case 'answer': {
      if (!text(m.id, LIMITS.id)) return undefined;
      if (m.done === true) {
        if (m.error !== undefined && !text(m.error, LIMITS.text)) return undefined;
        return { type: 'answer', id: m.id, done: true, error: m.error, stopped: m.stopped === true || undefined };
      }
      const content = m.done === false ? parseAnswerPart(m.content) : undefined;
      return content ? { type: 'answer', id: m.id, done: false, content } : undefined;
    }
    case 'submit':
      if (!text(m.question, LIMITS.question) || (m.context !== undefined && !text(m.context, LIMITS.id)))
        return undefined;
      return { type: 'submit', question: m.question, context: m.context };
    case 'availability':
      return (m.reason === undefined || text(m.reason, LIMITS.text)) &&
        (m.notice === undefined || text(m.notice, LIMITS.text))
        ? { type: 'availability', reason: m.reason, notice: m.notice }
        : undefined;
    default:
      return undefined;
  }
}

export function parseAnswerPart(value: unknown): AnswerPart | undefined {
  const m = record(value);
  switch (m?.kind) {
    case 'delta':
      return text(m.text, LIMITS.text) ? { kind: 'delta', text: m.text } : undefined;
    case 'sources': {
      const sources = list(m.sources, parseCitation);
      return sources ? { kind: 'sources', sources } : undefined;
    }
    case 'trace': {
      const trace = parseTrace(m.trace);
      return trace ? { kind: 'trace', trace } : undefined;
    }
    case 'progress':
      return text(m.text, LIMITS.text) ? { kind: 'progress', text: m.text } : undefined;
    case 'notice':
      return text(m.text, LIMITS.text) ? { kind: 'notice', text: m.text } : undefined;
    default:
      return undefined;
  }
}

export function parseTurn(value: unknown): Turn | undefined {
  const m = record(value);
  if (!m || !text(m.id, LIMITS.id) || !text(m.question, LIMITS.question) || !text(m.answer, LIMITS.text))
    return undefined;
  const sources = list(m.sources, parseCitation);
  const trace = m.trace === undefined ? undefined : parseTrace(m.trace);
  if (!sources || (m.trace !== undefined && !trace)) return undefined;
  if (m.error !== undefined && !text(m.error, LIMITS.text)) return undefined;
  if (m.notice !== undefined && !text(m.notice, LIMITS.text)) return undefined;
  return {
    id: m.id,
    question: m.question,
    answer: m.answer,
    sources,
    trace,
    notice: m.notice,
    error: m.error,
    stopped: m.stopped === true || undefined,
  };
}

function parseCitation(value: unknown): Citation | undefined {
  const m = record(value);
  if (!m || !line(m.n) || !text(m.path, LIMITS.path) || !line(m.startLine) || !line(m.endLine)) return undefined;
  if (
    (m.verified !== undefined && typeof m.verified !== 'boolean') ||
    (m.reason !== undefined && !text(m.reason, LIMITS.path))
  )
    return undefined;
  return { n: m.n, path: m.path, startLine: m.startLine, endLine: m.endLine, verified: m.verified, reason: m.reason };
}

function parseTrace(value: unknown): TraceView | undefined {
  const m = record(value);
  if (!m || !text(m.mode, LIMITS.id) || !finite(m.totalMs)) return undefined;
  const stages = list(m.stages, (entry) => {
    const s = record(entry);
    return s && text(s.stage, LIMITS.id) && finite(s.ms) ? { stage: s.stage, ms: s.ms } : undefined;
  });
  const rows = list(m.rows, parseTraceRow);
  return stages && rows ? { mode: m.mode, totalMs: m.totalMs, stages, rows } : undefined;
}

const RANK_NAMES: readonly RankName[] = ['bm25', 'dense', 'fused', 'rerank'];

function parseTraceRow(value: unknown): TraceRow | undefined {
  const m = record(value);
  const ranks = record(m?.ranks);
  if (!m || !ranks || !text(m.path, LIMITS.path) || !line(m.startLine) || !line(m.endLine) || !finite(m.score))
    return undefined;
  const parsed: TraceRow['ranks'] = {};
  for (const name of RANK_NAMES) {
    if (ranks[name] === undefined) continue;
    if (!line(ranks[name])) return undefined;
    parsed[name] = ranks[name];
  }
  return { path: m.path, startLine: m.startLine, endLine: m.endLine, score: m.score, ranks: parsed };
}
