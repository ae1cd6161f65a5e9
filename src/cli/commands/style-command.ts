import path from 'node:path';
import { RepoSageError } from '../../core/errors';
import { readGoldenSet } from '../../core/eval/golden-set';
import { OllamaClient } from '../../core/ollama';
import { adviseStyle, formatAdvice } from '../../core/style/advise';
import { DEFAULT_COMPARE_LIMIT, compareModels } from '../../core/style/compare';
import { formatCompareTable } from '../../core/style/compare-report';
import { readStyleSplit, writeStyleDataset } from '../../core/style/dataset-files';
import { DEFAULT_MAX_EXAMPLE_TOKENS, type StyleDataset, buildStyleDataset, countsByKind } from '../../core/style/export';
import { registerAdapter } from '../../core/style/register';
import { EXAMPLE_KINDS } from '../../core/style/types';
import type { CommandSpec, ParsedArgs } from '../command';
import { type CliContext, print } from '../context';
import { terminalSafe } from '../terminal-text';
import { parseCount } from './query-command';
import { openSearchSession } from './search-session';

const USAGE = [
  'reposage style advise [DIR] [--json]',
  '  reposage style export [DIR] --out DIR [--max-tokens N] [--json]',
  '  reposage style register --adapter PATH --base MODEL --name NAME [--ollama URL] [--force] [--json]',
  '  reposage style compare --base MODEL --tuned MODEL [--golden FILE] [--data DIR] [DIR] [--db DIR] [--models DIR] [--ollama URL] [--limit N] [--json]',
].join('\n');

type Action = (ctx: CliContext, args: ParsedArgs) => Promise<void>;

const ACTIONS: Record<string, Action> = { advise, export: exportDataset, register, compare };

export const styleCommand: CommandSpec = {
  name: 'style',
  usage: USAGE,
  summary: 'Project-style adapter: advise whether to train one, export the dataset, register an adapter with Ollama, compare models.',
  options: {
    out: { type: 'string' },
    'max-tokens': { type: 'string' },
    adapter: { type: 'string' },
    base: { type: 'string' },
    name: { type: 'string' },
    tuned: { type: 'string' },
    golden: { type: 'string' },
    data: { type: 'string' },
    db: { type: 'string' },
    models: { type: 'string' },
    ollama: { type: 'string' },
    limit: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(ctx, args) {
    const [action, ...positionals] = args.positionals;
    const run = action === undefined ? undefined : ACTIONS[action];
    if (!run) {
      throw new RepoSageError('INVALID_INPUT', action ? `Unknown style action "${action}".` : 'No style action given.', `Usage: ${USAGE}`);
    }
    await run(ctx, { positionals, values: args.values });
  },
};

async function advise(ctx: CliContext, { positionals, values }: ParsedArgs): Promise<void> {
  const advice = await adviseStyle(positionals[0] ?? '.', { maxTokens: maxTokensOf(values), signal: ctx.signal });
  print(ctx, formatAdvice(advice), advice);
}

async function exportDataset(ctx: CliContext, { positionals, values }: ParsedArgs): Promise<void> {
  const out = requireString(values.out, '--out DIR');
  const dataset = await buildStyleDataset({ root: positionals[0] ?? '.', maxTokens: maxTokensOf(values), signal: ctx.signal });
  const outDir = path.resolve(out);
  const files = await writeStyleDataset(dataset, outDir);
  const summary = exportSummary(dataset, outDir, files);
  print(ctx, formatExportSummary(summary), summary);
}

async function register(ctx: CliContext, { values }: ParsedArgs): Promise<void> {
  const ollama = new OllamaClient({ host: values.ollama as string | undefined });
  const result = await registerAdapter({
    adapterPath: requireString(values.adapter, '--adapter PATH'),
    base: requireString(values.base, '--base MODEL'),
    name: requireString(values.name, '--name NAME'),
    ollama,
    force: values.force === true,
    signal: ctx.signal,
    onProgress: ctx.json
      ? undefined
      : (event) => ctx.stderr.write(terminalSafe(event.stage === 'upload' ? `uploaded ${event.file} (${event.digest})\n` : `${event.status}\n`)),
  });
  for (const problem of result.check.problems) ctx.stderr.write(`reposage: registered despite a mismatch (--force): ${problem}\n`);
  if (result.check.unchecked.length > 0) ctx.stderr.write(`reposage: could not check ${result.check.unchecked.join(' or ')}.\n`);
  print(ctx, `Created ${result.model}: ${result.base} with the adapter (${Object.keys(result.adapters).join(', ')}). Try it: ollama run ${result.model}`, result);
}

async function compare(ctx: CliContext, { positionals, values }: ParsedArgs): Promise<void> {
  const base = requireString(values.base, '--base MODEL');
  const tuned = requireString(values.tuned, '--tuned MODEL');
  const root = path.resolve(positionals[0] ?? '.');
  const limit = parseCount(values.limit as string | undefined, 'limit', DEFAULT_COMPARE_LIMIT);
  const examples = typeof values.data === 'string'
    ? await readStyleSplit(path.resolve(values.data), 'validation')
    : (await buildStyleDataset({ root, maxTokens: maxTokensOf(values), signal: ctx.signal })).splits.validation;
  const golden = typeof values.golden === 'string' ? await readGoldenSet(values.golden) : undefined;
  const ollama = new OllamaClient({ host: values.ollama as string | undefined });
  // Before loading models or building an index, which can take minutes, for nothing if a model is missing.
  await ollama.showModel(base, ctx.signal);
  await ollama.showModel(tuned, ctx.signal);
  const session = await openSearchSession(ctx, { root, db: values.db as string | undefined, models: values.models as string | undefined }, 'optional');
  try {
    const report = await compareModels({
      root,
      base,
      tuned,
      examples,
      golden,
      retriever: session.retriever,
      ollama,
      limit,
      signal: ctx.signal,
      onProgress: progressLine(ctx),
    });
    print(ctx, formatCompareTable(report), report);
  } finally {
    await session.close();
  }
}

interface ExportSummary {
  out: string;
  counts: ReturnType<typeof countsByKind>;
  totals: { train: number; validation: number };
  sources: StyleDataset['sources'];
  dropped: StyleDataset['dropped'];
  excludedFiles: StyleDataset['excludedFiles'];
  secretsScrubbed: number;
  warnings: string[];
  files: string[];
}

function exportSummary(dataset: StyleDataset, out: string, files: string[]): ExportSummary {
  return {
    out,
    counts: countsByKind(dataset),
    totals: { train: dataset.splits.train.length, validation: dataset.splits.validation.length },
    sources: dataset.sources,
    dropped: dataset.dropped,
    excludedFiles: dataset.excludedFiles,
    secretsScrubbed: dataset.secretsScrubbed,
    warnings: dataset.warnings,
    files,
  };
}

function formatExportSummary(summary: ExportSummary): string {
  const kinds = EXAMPLE_KINDS.map((kind) => `  ${kind.padEnd(10)} train ${summary.counts[kind].train}, validation ${summary.counts[kind].validation}`);
  const dropped = Object.entries(summary.dropped).filter(([, count]) => count > 0).map(([reason, count]) => `${reason} ${count}`);
  return [
    `Wrote ${summary.totals.train} training and ${summary.totals.validation} validation examples to ${summary.out}`,
    ...kinds,
    `From ${summary.sources.files} source files and ${summary.sources.commits} commits; ${summary.secretsScrubbed} secrets scrubbed.`,
    ...(dropped.length > 0 ? [`Left out: ${dropped.join(', ')}.`] : []),
    ...summary.warnings.map((warning) => `Warning: ${warning}`),
  ].join('\n');
}

function maxTokensOf(values: ParsedArgs['values']): number {
  return parseCount(values['max-tokens'] as string | undefined, 'max-tokens', DEFAULT_MAX_EXAMPLE_TOKENS);
}

function requireString(value: unknown, flag: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new RepoSageError('INVALID_INPUT', `${flag} is required here.`, `Usage: ${USAGE}`);
}

function progressLine(ctx: CliContext): ((config: string, done: number, total: number) => void) | undefined {
  if (ctx.json || !(ctx.stderr as NodeJS.WriteStream).isTTY) return undefined;
  return (config, done, total) => ctx.stderr.write(done === total ? '\r\x1b[K' : `\r\x1b[K${config}: ${done}/${total}`);
}
