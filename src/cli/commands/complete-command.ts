import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CompletionSession, DEFAULT_COMPLETION_MODEL, offsetOf, openKeywordIndex, type CompletionResult } from '../../core/completion';
import { RepoSageError, throwIfCancelled } from '../../core/errors';
import { OllamaClient } from '../../core/ollama';
import type { CommandSpec } from '../command';
import { print, resolveDbDir, resolveRoot } from '../context';

export const completeCommand: CommandSpec = {
  name: 'complete',
  usage: 'reposage complete --file PATH --line N --column N [DIR] [--db DIR] [--model NAME] [--ollama URL] [--json]',
  summary: 'Suggest the code at a position (1-based line and column) from the completion model, grounded in the repository.',
  options: {
    file: { type: 'string' },
    line: { type: 'string' },
    column: { type: 'string' },
    db: { type: 'string' },
    model: { type: 'string' },
    ollama: { type: 'string' },
  },
  async run(ctx, { positionals, values }) {
    const file = values.file as string | undefined;
    if (!file) throw new RepoSageError('INVALID_INPUT', 'No file given.', `Usage: ${completeCommand.usage}`);
    const root = await resolveRoot(positionals[0], values.db as string | undefined);
    const absolute = path.resolve(file);
    const text = await readSource(absolute);
    const offset = offsetOf(text, wholeNumber(values.line, 'line'), wholeNumber(values.column, 'column'));

    // One completion is not worth building a whole index for: without one, the current file alone.
    const opened = await openKeywordIndex(resolveDbDir(root, values.db as string | undefined));
    if (!opened.store) ctx.stderr.write(`reposage: ${opened.unavailable}; completing without repository context (run \`reposage index\` to add it).\n`);
    const session = new CompletionSession({
      ollama: new OllamaClient({ host: values.ollama as string | undefined }),
      model: (values.model as string | undefined) ?? process.env.REPOSAGE_COMPLETION_MODEL ?? DEFAULT_COMPLETION_MODEL,
      index: opened.store,
      debounceMs: 0,
      onNotice: (notice) => ctx.stderr.write(`reposage: ${notice}\n`),
    });
    try {
      const result = await session.complete({ path: path.relative(root, absolute).split(path.sep).join('/'), text, offset }, ctx.signal);
      throwIfCancelled(ctx.signal);
      if (!result) return;
      if (!result.completion && !ctx.json) ctx.stderr.write('reposage: no suggestion at this position.\n');
      print(ctx, result.completion, jsonResult(result));
    } finally {
      session.dispose();
      opened.store?.close();
    }
  },
};

async function readSource(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new RepoSageError('FILE_UNREADABLE', `Cannot read ${file}.`, 'Check the path given with --file.', { cause: error });
  }
}

function wholeNumber(value: unknown, flag: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) {
    throw new RepoSageError('INVALID_INPUT', `--${flag} must be a whole number of at least 1${value === undefined ? '' : `, not "${String(value)}"`}.`, `Usage: ${completeCommand.usage}`);
  }
  return n;
}

function jsonResult(result: CompletionResult) {
  return {
    completion: result.completion,
    fill_in_the_middle: result.fim,
    context: result.context.map(({ path: file, startLine, endLine, source }) => ({ path: file, startLine, endLine, source })),
    prompt_tokens: result.promptTokens,
    timings: { context_ms: round(result.timings.contextMs), model_ms: round(result.timings.modelMs) },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
