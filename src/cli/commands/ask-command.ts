import { type Command, Option } from '@commander-js/extra-typings';
import { askQuestion, statusText } from '../../core/chat/ask';
import type { AskResult, Source } from '../../core/chat/types';
import { OllamaClient } from '../../core/ollama';
import { type CliStreams, contextFor, resolveRoot, warn } from '../context';
import { terminalSafe } from '../terminal-text';
import {
  dbOption,
  dirArgument,
  jsonOption,
  kOption,
  modelsOption,
  nonBlank,
  ollamaOption,
  quietOption,
  sharedOption,
  wholeNumber,
} from '../options';
import { incompleteLine, indexNote, openSearchSession } from './search-session';
import {
  DEFAULT_ANSWER_K,
  DEFAULT_CHAT_MODEL,
  DEFAULT_MAX_ANSWER_TOKENS,
  DEFAULT_MAX_CONTEXT_TOKENS,
} from '../../core/defaults';

export function registerAskCommand(program: Command, streams: CliStreams): void {
  program
    .command('ask')
    .summary('answer a question from the code with a local Ollama model')
    .description(
      "Answer a question from the repository's code with a local Ollama model, citing and checking its sources.",
    )
    .argument('<question>', 'the question', nonBlank)
    .argument(...dirArgument)
    .addOption(dbOption())
    .addOption(sharedOption())
    .addOption(modelsOption())
    .addOption(new Option('--model <name>', 'Ollama chat model').env('REPOSAGE_CHAT_MODEL').default(DEFAULT_CHAT_MODEL))
    .addOption(ollamaOption())
    .addOption(kOption('how many chunks the answer is grounded on', DEFAULT_ANSWER_K))
    .addOption(
      // A quarter of the window is kept for the answer: on a CPU a smaller window answers sooner.
      new Option(
        '--max-context <tokens>',
        "use at most this much of the model's context window (sources, question and answer)",
      )
        .argParser(wholeNumber)
        .default(DEFAULT_MAX_CONTEXT_TOKENS),
    )
    .addOption(
      new Option('--max-answer-tokens <tokens>', 'stop the answer after this many tokens')
        .argParser(wholeNumber)
        .default(DEFAULT_MAX_ANSWER_TOKENS),
    )
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (question, dir, flags) => {
      const ctx = contextFor(streams, flags);
      const { model, k, maxContext, maxAnswerTokens } = flags;
      const ollama = new OllamaClient({ host: flags.ollama });
      // Before loading models or building an index, which can take minutes, for nothing if Ollama is not there.
      await ollama.showModel(model, ctx.signal);

      const root = await resolveRoot(dir, flags.db);
      const session = await openSearchSession(
        ctx,
        { root, db: flags.db, shared: flags.shared, models: flags.models },
        'optional',
      );
      try {
        const incomplete = incompleteLine(session);
        if (incomplete && !ctx.json) warn(ctx, incomplete);
        let result: AskResult | undefined;
        for await (const event of askQuestion(
          { question },
          { retriever: session.retriever, ollama, model, root, k, maxContextTokens: maxContext, maxAnswerTokens },
          ctx.signal,
        )) {
          if (event.type === 'status' && !ctx.quiet) warn(ctx, statusText(event));
          if (event.type === 'delta' && !ctx.json) ctx.stdout.write(terminalSafe(event.text));
          if (event.type === 'final') result = event;
        }
        if (result)
          ctx.stdout.write(
            ctx.json
              ? `${JSON.stringify({ ...jsonResult(result), index: indexNote(session) })}\n`
              : `\n\n${terminalSafe(formatSources(result))}\n`,
          );
        if (result?.truncated)
          warn(
            ctx,
            'the answer stopped at the token limit before it was finished; for a longer one raise ' +
              '--max-answer-tokens (an answer gets at most a quarter of --max-context).',
          );
      } finally {
        await session.close();
      }
    });
}
/** Every timing is present, null when it did not happen, so scripts can rely on the keys. */
function jsonResult({ answer, citations, sources, model, timings, truncated }: AskResult) {
  const { retrieval_ms, first_token_ms = null, total_ms } = timings;
  return {
    answer,
    citations,
    sources,
    model,
    timings: { retrieval_ms, first_token_ms, total_ms },
    ...(truncated ? { truncated } : {}),
  };
}

function formatSources(result: AskResult): string {
  const cited = new Set(result.citations.map((citation) => citation.n));
  const lines =
    result.sources.length > 0
      ? ['Sources:', ...result.sources.map((source) => `  ${formatSource(source, cited.has(source.n))}`)]
      : ['Sources: none (no indexed code matched the question).'];
  const { retrieval_ms, first_token_ms, total_ms } = result.timings;
  const firstToken = first_token_ms === undefined ? '' : `, first token ${first_token_ms} ms`;
  lines.push(`${result.model}: retrieval ${retrieval_ms} ms${firstToken}, total ${total_ms} ms`);
  return lines.join('\n');
}

function formatSource(source: Source, cited: boolean): string {
  const status = source.verified ? 'verified' : `NOT VERIFIED: ${source.reason}`;
  return `[${source.n}] ${source.path}:${source.startLine}-${source.endLine}  ${cited ? 'cited, ' : ''}${status}`;
}
