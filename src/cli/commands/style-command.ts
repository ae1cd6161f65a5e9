import path from 'node:path';
import { type Command, Option } from '@commander-js/extra-typings';
import { readGoldenSet } from '../../core/eval/golden-set';
import { OllamaClient } from '../../core/ollama';
import { adviseStyle, formatAdvice } from '../../core/style/advice/advise';
import { DEFAULT_COMPARE_LIMIT, compareModels } from '../../core/style/compare/compare';
import { formatCompareTable } from '../../core/style/compare/report';
import { readStyleSplit, writeStyleDataset } from '../../core/style/dataset/files';
import {
  DEFAULT_MAX_EXAMPLE_TOKENS,
  type StyleDataset,
  buildStyleDataset,
  countsByKind,
} from '../../core/style/dataset/export';
import { registerAdapter } from '../../core/style/adapter/register';
import { EXAMPLE_KINDS } from '../../core/style/types';
import { type CliStreams, contextFor, print, warn } from '../context';
import { dbOption, dirArgument, jsonOption, modelsOption, ollamaOption, quietOption, wholeNumber } from '../options';
import { progressLine } from '../progress';
import { openSearchSession } from './search-session';

export function registerStyleCommand(program: Command, streams: CliStreams): void {
  const style = program
    .command('style')
    .summary('project-style adapter: advise, export the dataset, register an adapter, compare models')
    .description(
      'Project-style adapter: advise whether to train one, export the dataset, register an adapter with ' +
        'Ollama, compare models.',
    );
  const maxTokens = () =>
    new Option('--max-tokens <n>', 'longest example, in tokens')
      .argParser(wholeNumber)
      .default(DEFAULT_MAX_EXAMPLE_TOKENS);

  style
    .command('advise')
    .summary('say whether a style adapter is worth training for this repository')
    .argument(...dirArgument)
    .addOption(maxTokens())
    .addOption(jsonOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const advice = await adviseStyle(dir ?? '.', { maxTokens: flags.maxTokens, signal: ctx.signal });
      print(ctx, formatAdvice(advice), advice);
    });

  style
    .command('export')
    .summary('export the style dataset (train and validation splits)')
    .argument(...dirArgument)
    .requiredOption('--out <dir>', 'folder to write the dataset to')
    .addOption(maxTokens())
    .addOption(jsonOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const dataset = await buildStyleDataset({ root: dir ?? '.', maxTokens: flags.maxTokens, signal: ctx.signal });
      const outDir = path.resolve(flags.out);
      const files = await writeStyleDataset(dataset, outDir);
      const summary = exportSummary(dataset, outDir, files);
      print(ctx, formatExportSummary(summary), summary);
    });

  style
    .command('register')
    .summary('create an Ollama model from a base model and a trained adapter')
    .requiredOption('--adapter <path>', 'the trained adapter (safetensors folder or GGUF file)')
    .requiredOption('--base <model>', 'the Ollama base model the adapter was trained on')
    .requiredOption('--name <name>', 'name of the new Ollama model')
    .addOption(ollamaOption())
    .option('--force', 'register even when the adapter does not match the base model')
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (flags) => {
      const ctx = contextFor(streams, flags);
      const progress = progressLine(ctx);
      const result = await registerAdapter({
        adapterPath: flags.adapter,
        base: flags.base,
        name: flags.name,
        ollama: new OllamaClient({ host: flags.ollama }),
        force: flags.force === true,
        signal: ctx.signal,
        onProgress: (event) =>
          progress.update(event.stage === 'upload' ? `uploaded ${event.file} (${event.digest})` : event.status, true),
      });
      progress.done();
      for (const problem of result.check.problems) warn(ctx, `registered despite a mismatch (--force): ${problem}`);
      if (result.check.unchecked.length > 0) warn(ctx, `could not check ${result.check.unchecked.join(' or ')}.`);
      print(
        ctx,
        `Created ${result.model}: ${result.base} with the adapter ` +
          `(${Object.keys(result.adapters).join(', ')}). Try it: ollama run ${result.model}`,
        result,
      );
    });

  style
    .command('compare')
    .summary('compare the base and the tuned model on held-out code and golden questions')
    .argument(...dirArgument)
    .requiredOption('--base <model>', 'the base Ollama model')
    .requiredOption('--tuned <model>', 'the Ollama model with the style adapter')
    .option('--golden <file>', 'also compare answers to these golden questions')
    .option('--data <dir>', 'a dataset written by `reposage style export` (default: export one now)')
    .addOption(dbOption())
    .addOption(modelsOption())
    .addOption(ollamaOption())
    .addOption(
      new Option('--limit <n>', 'at most this many examples').argParser(wholeNumber).default(DEFAULT_COMPARE_LIMIT),
    )
    .addOption(maxTokens())
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const { base, tuned } = flags;
      const root = path.resolve(dir ?? '.');
      const examples =
        flags.data !== undefined
          ? await readStyleSplit(path.resolve(flags.data), 'validation')
          : (await buildStyleDataset({ root, maxTokens: flags.maxTokens, signal: ctx.signal })).splits.validation;
      const golden = flags.golden !== undefined ? await readGoldenSet(flags.golden) : undefined;
      const ollama = new OllamaClient({ host: flags.ollama });
      // Before loading models or building an index, which can take minutes, for nothing if a model is missing.
      await ollama.showModel(base, ctx.signal);
      await ollama.showModel(tuned, ctx.signal);
      const session = await openSearchSession(ctx, { root, db: flags.db, models: flags.models }, 'optional');
      try {
        const progress = progressLine(ctx);
        const report = await compareModels({
          root,
          base,
          tuned,
          examples,
          golden,
          retriever: session.retriever,
          ollama,
          limit: flags.limit,
          signal: ctx.signal,
          onProgress: (config, done, total) =>
            done === total ? progress.done() : progress.update(`${config}: ${done}/${total}`),
        });
        print(ctx, formatCompareTable(report), report);
      } finally {
        await session.close();
      }
    });
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
  const kinds = EXAMPLE_KINDS.map(
    (kind) => `  ${kind.padEnd(10)} train ${summary.counts[kind].train}, validation ${summary.counts[kind].validation}`,
  );
  const dropped = Object.entries(summary.dropped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`);
  return [
    `Wrote ${summary.totals.train} training and ${summary.totals.validation} validation examples to ${summary.out}`,
    ...kinds,
    `From ${summary.sources.files} source files and ${summary.sources.commits} commits; ` +
      `${summary.secretsScrubbed} secrets scrubbed.`,
    ...(dropped.length > 0 ? [`Left out: ${dropped.join(', ')}.`] : []),
    ...summary.warnings.map((warning) => `Warning: ${warning}`),
  ].join('\n');
}
