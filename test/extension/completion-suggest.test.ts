import { afterEach, describe, expect, it } from 'vitest';
import { CompletionSession } from '../../src/core/completion';
import { OllamaClient } from '../../src/core/ollama';
import { type EditorPosition, type InlineSuggestion, planCompletion } from '../../src/extension/completion/inline-edit';
import { ProblemLatch } from '../../src/extension/completion/problems';
import { type SuggestRequest, suggestInline } from '../../src/extension/completion/suggest';
import { ROUTE_AT_CALL } from '../completion/repo-fixture';
import { type OllamaStub, type Responder, startOllamaStub } from '../support/ollama-stub';

const ROUTE = `${ROUTE_AT_CALL}\n`;

/** The text without the `|` marker, and the marker's position as VS Code counts it. */
function at(marked: string, eol = '\n'): { text: string; cursor: EditorPosition } {
  const lines = marked.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes('|'));
  return { text: marked.replace('|', '').split('\n').join(eol), cursor: { line, character: lines[line].indexOf('|') } };
}

/** What VS Code does on accept: replace the item's range (on one line) with its insert text. */
function accept(text: string, suggestion: InlineSuggestion): string {
  const lines = text.split('\n');
  const before = lines.slice(0, suggestion.line).join('\n');
  const offset = before ? before.length + 1 : 0;
  return text.slice(0, offset + suggestion.start) + suggestion.insertText + text.slice(offset + suggestion.end);
}

describe('inline suggestions from the completion session, as handed to VS Code', () => {
  let stub: OllamaStub | undefined;
  let session: CompletionSession | undefined;

  afterEach(async () => {
    session?.dispose();
    await stub?.close();
    stub = session = undefined;
  });

  async function suggest(
    respond: Responder,
    request: Omit<SuggestRequest, 'path'>,
    signal = new AbortController().signal,
  ) {
    stub = await startOllamaStub({ respond });
    session = new CompletionSession({
      ollama: new OllamaClient({ host: stub.url }),
      model: 'qwen2.5-coder:1.5b-base',
      debounceMs: 0,
    });
    const problems = new ProblemLatch();
    const suggestion = await suggestInline(session, problems, { path: 'src/route.ts', ...request }, signal);
    return { suggestion, problems, generate: stub.requestsTo('/api/generate') };
  }

  it('replaces the line up to the cursor with itself plus the completion, leaving the rest of the line', async () => {
    const { text, cursor } = at(ROUTE);
    const { suggestion, generate } = await suggest(() => 'points[i - 1], points[i]);', { text, cursor });

    expect(generate[0].body?.suffix).toMatch(/^\);\n {2}\}/);
    expect(suggestion).toEqual({
      line: 5,
      start: 0,
      end: 29,
      insertText: '    total += distanceBetween(points[i - 1], points[i]',
    });
    expect(accept(text, suggestion!).split('\n')[5]).toBe('    total += distanceBetween(points[i - 1], points[i]);');
  });

  it('keeps Windows line endings intact', async () => {
    const { text, cursor } = at(ROUTE, '\r\n');
    const { suggestion } = await suggest(() => 'points[i - 1], points[i]);', { text, cursor });

    const accepted = accept(text, suggestion!);
    expect(accepted.split('\r\n')[5]).toBe('    total += distanceBetween(points[i - 1], points[i]);');
    expect(accepted.split('\r\n')).toHaveLength(ROUTE.split('\n').length);
  });

  it('extends the item selected in the suggest widget and replaces exactly its range', async () => {
    const { text, cursor } = at('export function last(points: Point[]) {\n  const n = points.len|\n}\n');
    const selected = { start: { line: 1, character: 19 }, end: cursor, text: 'length' };
    const { suggestion, generate } = await suggest(() => ' - 1;', { text, cursor, selected });

    expect(String(generate[0].body?.prompt).endsWith('  const n = points.length')).toBe(true);
    expect(suggestion).toEqual({ line: 1, start: 19, end: 22, insertText: 'length - 1;' });
    expect(accept(text, suggestion!).split('\n')[1]).toBe('  const n = points.length - 1;');
  });

  it('hands a body for an empty block as one item whose text spans lines', async () => {
    const { text, cursor } = at('export function sum(values: number[]) {\n  |\n}\n');
    const { suggestion } = await suggest(
      () => 'let total = 0;\n  for (const v of values) total += v;\n  return total;\n}',
      { text, cursor },
    );

    expect(suggestion).toMatchObject({ line: 1, start: 0, end: 2 });
    expect(accept(text, suggestion!)).toBe(
      'export function sum(values: number[]) {\n  let total = 0;\n  for (const v of values) total += v;\n' +
        '  return total;\n}\n',
    );
  });

  it('hands nothing when the model has nothing new, and records no problem', async () => {
    const { text, cursor } = at(ROUTE);
    const { suggestion, problems } = await suggest(() => ');', { text, cursor });
    expect(suggestion).toBeUndefined();
    expect(problems.current()).toBeUndefined();
  });

  it('hands nothing once VS Code cancels, and stops the request', async () => {
    const { text, cursor } = at(ROUTE);
    const abort = new AbortController();
    abort.abort();
    const { suggestion, problems, generate } = await suggest(() => 'points[0]);', { text, cursor }, abort.signal);
    expect(suggestion).toBeUndefined();
    expect(problems.current()).toBeUndefined();
    expect(generate).toHaveLength(0);
  });
});

describe('planCompletion', () => {
  it('declines a selected item that is not on the cursor line', () => {
    const { text, cursor } = at('const a = 1;\nconst b = a|\n');
    expect(
      planCompletion(text, cursor, { start: { line: 0, character: 6 }, end: { line: 0, character: 7 }, text: 'alpha' }),
    ).toBeUndefined();
  });
});
