import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from '@commander-js/extra-typings';
import { CompletionSession, offsetOf, openKeywordIndex, type CompletionResult } from '../../core/completion';
import { RepoSageError, throwIfCancelled } from '../../core/errors';
import { OllamaClient } from '../../core/ollama';
import { type CliStreams, contextFor, print, resolveDbDir, resolveRoot, warn } from '../context';
import { dbOption, dirArgument, jsonOption, ollamaOption, wholeNumber } from '../options';
import { DEFAULT_COMPLETION_MODEL } from '../../core/defaults';

export function registerCompleteCommand(program: Command, streams: CliStreams): void {
  program
    .command('complete')
    .summary('suggest the code at a position, grounded in the repository')
    .description(
      'Suggest the code at a position (1-based line and column) from the completion model, grounded in the repository.',
    )
    .argument(...dirArgument)
    .requiredOption('--file <path>', 'the file being edited')
    .requiredOption('--line <n>', 'line of the cursor, from 1', wholeNumber)
    .requiredOption('--column <n>', 'column of the cursor, from 1', wholeNumber)
    .addOption(dbOption())
    .addOption(
      new Option('--model <name>', 'Ollama completion model (fill-in-the-middle)')
        .env('REPOSAGE_COMPLETION_MODEL')
        .default(DEFAULT_COMPLETION_MODEL),
    )
    .addOption(ollamaOption())
    .addOption(jsonOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const root = await resolveRoot(dir, flags.db);
      const absolute = path.resolve(flags.file);
      const text = await readSource(absolute);
      const offset = offsetOf(text, flags.line, flags.column);

      // One completion is not worth building a whole index for: without one, the current file alone.
      const opened = await openKeywordIndex(resolveDbDir(root, flags.db));
      if (!opened.store)
        warn(ctx, `${opened.unavailable}; completing without repository context (run \`reposage index\` to add it).`);
      const session = new CompletionSession({
        ollama: new OllamaClient({ host: flags.ollama }),
        model: flags.model,
        index: opened.store,
        debounceMs: 0,
        onNotice: (notice) => warn(ctx, notice),
      });
      try {
        const result = await session.complete(
          { path: path.relative(root, absolute).split(path.sep).join('/'), text, offset },
          ctx.signal,
        );
        throwIfCancelled(ctx.signal);
        if (!result) return;
        if (!result.completion && !ctx.json) warn(ctx, 'no suggestion at this position.');
        print(ctx, result.completion, jsonResult(result));
      } finally {
        session.dispose();
        opened.store?.close();
      }
    });
}

async function readSource(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new RepoSageError('FILE_UNREADABLE', `Cannot read ${file}.`, 'Check the path given with --file.', {
      cause: error,
    });
  }
}

function jsonResult(result: CompletionResult) {
  return {
    completion: result.completion,
    fill_in_the_middle: result.fim,
    context: result.context.map(({ path: file, startLine, endLine, source }) => ({
      path: file,
      startLine,
      endLine,
      source,
    })),
    prompt_tokens: result.promptTokens,
    timings: { context_ms: round(result.timings.contextMs), model_ms: round(result.timings.modelMs) },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
