import { askQuestion, DEFAULT_ASK_K, DEFAULT_CHAT_MODEL, statusText } from '../../core/chat/ask';
import type { AskResult, Source } from '../../core/chat/types';
import { RepoSageError } from '../../core/errors';
import { OllamaClient } from '../../core/ollama';
import type { CommandSpec } from '../command';
import { resolveRoot } from '../context';
import { terminalSafe } from '../terminal-text';
import { parseCount } from './query-command';
import { incompleteLine, indexNote, openSearchSession } from './search-session';

export const askCommand: CommandSpec = {
  name: 'ask',
  usage: 'reposage ask "QUESTION" [DIR] [--db DIR] [--shared s3://BUCKET/PREFIX] [--models DIR] [--model NAME] [--ollama URL] [--k N] [--json]',
  summary: `Answer a question from the repository's code with a local Ollama model (default ${DEFAULT_CHAT_MODEL}, or REPOSAGE_CHAT_MODEL), citing and checking its sources.`,
  options: {
    db: { type: 'string' },
    shared: { type: 'string' },
    models: { type: 'string' },
    model: { type: 'string' },
    ollama: { type: 'string' },
    k: { type: 'string' },
  },
  async run(ctx, { positionals, values }) {
    const [question, dir] = positionals;
    if (!question?.trim()) throw new RepoSageError('INVALID_INPUT', 'No question given.', `Usage: ${askCommand.usage}`);
    const k = parseCount(values.k as string | undefined, 'k', DEFAULT_ASK_K);
    const model = (values.model as string | undefined) ?? (process.env.REPOSAGE_CHAT_MODEL || DEFAULT_CHAT_MODEL);
    const ollama = new OllamaClient({ host: values.ollama as string | undefined });
    // Before loading models or building an index, which can take minutes, for nothing if Ollama is not there.
    await ollama.showModel(model, ctx.signal);

    const root = await resolveRoot(dir, values.db as string | undefined);
    const session = await openSearchSession(ctx, { root, db: values.db as string | undefined, shared: values.shared as string | undefined, models: values.models as string | undefined }, 'optional');
    try {
      const incomplete = incompleteLine(session);
      if (incomplete && !ctx.json) ctx.stderr.write(`reposage: ${incomplete}\n`);
      let result: AskResult | undefined;
      for await (const event of askQuestion({ question }, { retriever: session.retriever, ollama, model, root, k }, ctx.signal)) {
        if (event.type === 'status') ctx.stderr.write(`reposage: ${terminalSafe(statusText(event))}\n`);
        if (event.type === 'delta' && !ctx.json) ctx.stdout.write(terminalSafe(event.text));
        if (event.type === 'final') result = event;
      }
      if (result) ctx.stdout.write(ctx.json ? `${JSON.stringify({ ...jsonResult(result), index: indexNote(session) })}\n` : `\n\n${terminalSafe(formatSources(result))}\n`);
      if (result?.truncated) ctx.stderr.write('reposage: the answer stopped at the token limit before it was finished.\n');
    } finally {
      await session.close();
    }
  },
};

/** Every timing is present, null when it did not happen, so scripts can rely on the keys. */
function jsonResult({ answer, citations, sources, model, timings, truncated }: AskResult) {
  const { retrieval_ms, first_token_ms = null, total_ms } = timings;
  return { answer, citations, sources, model, timings: { retrieval_ms, first_token_ms, total_ms }, ...(truncated ? { truncated } : {}) };
}

function formatSources(result: AskResult): string {
  const cited = new Set(result.citations.map((citation) => citation.n));
  const lines = result.sources.length > 0
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
