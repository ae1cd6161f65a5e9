import path from 'node:path';
import { InvalidArgumentError, type Command } from '@commander-js/extra-typings';
import { SKIPPABLE_KINDS, type SkippableKind } from '../../core/files';
import { syncIndex } from '../../core/indexer/sync';
import { vectorPercent } from '../../core/indexer/coverage';
import { loadIndexerModels } from '../../core/indexer/models';
import { readIndexModel } from '../../core/store/manifest';
import type { IndexProgress, IndexSummary } from '../../core/indexer/types';
import {
  type CliContext,
  type CliStreams,
  contextFor,
  print,
  resolveDbDir,
  resolveModelsDir,
  resolveSharedIndex,
} from '../context';
import { dbOption, dirArgument, jsonOption, modelsOption, quietOption, sharedOption } from '../options';
import { formatEta, formatRate, progressLine, ratePerSecond } from '../progress';

export function registerIndexCommand(program: Command, streams: CliStreams): void {
  program
    .command('index')
    .summary('index a repository, or bring its index up to date')
    .description('Index a repository, or bring its index up to date: only changed files are read and embedded again.')
    .argument(...dirArgument)
    .addOption(dbOption())
    .addOption(sharedOption())
    .addOption(modelsOption())
    .option('--model <id>', 'embedding model (default: the one the index was built with, else Xenova/all-MiniLM-L6-v2)')
    .option(
      '--include-kind <kinds>',
      `also index files skipped by kind, repeatable or comma-separated: ${SKIPPABLE_KINDS.join(', ')}`,
      collectKinds,
    )
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const summary = await indexRepository(ctx, { root: dir, ...flags, includeKinds: flags.includeKind });
      print(ctx, formatSummary(summary), summary);
    });
}

/** `--include-kind design --include-kind lock,data`: every kind named, checked. */
function collectKinds(value: string, previous: SkippableKind[] = []): SkippableKind[] {
  const kinds = value
    .split(',')
    .map((kind) => kind.trim())
    .filter(Boolean);
  for (const kind of kinds) {
    if (!(SKIPPABLE_KINDS as readonly string[]).includes(kind))
      throw new InvalidArgumentError(`Unknown file kind "${kind}"; use some of ${SKIPPABLE_KINDS.join(', ')}.`);
  }
  return [...previous, ...(kinds as SkippableKind[])];
}

export interface IndexFlags {
  root?: string;
  db?: string;
  /** A shared index to overlay: --db then holds only the files that differ from it. */
  shared?: string;
  models?: string;
  model?: string;
  includeKinds?: SkippableKind[];
  /** Rebuild from scratch, for this reason. */
  rebuildBecause?: string;
}

/** Shared by `index` and by the commands that build a missing or stale index before searching it. */
export async function indexRepository(ctx: CliContext, flags: IndexFlags): Promise<IndexSummary> {
  const root = path.resolve(flags.root ?? '.');
  const dbDir = resolveDbDir(root, flags.db);
  const modelsDir = resolveModelsDir(flags.models);
  const sharedIndex = resolveSharedIndex(flags.shared);
  // An existing index keeps its model unless --model names another; an overlay takes its shared index's.
  const embeddingModel = flags.model ?? (await readIndexModel(sharedIndex ?? dbDir));
  const models = await loadIndexerModels({ modelsDir, embeddingModel });
  const progress = indexProgress(ctx);
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= models.embedder.dispose();
    return released;
  };
  try {
    return await syncIndex(
      {
        root,
        dbDir,
        modelsDir,
        embeddingModel,
        includeKinds: flags.includeKinds,
        rebuildBecause: flags.rebuildBecause,
        sharedIndex,
      },
      models,
      // Once the vectors are in, the model's memory goes to building the search indexes.
      { signal: ctx.signal, onProgress: progress, onEmbedded: release },
    );
  } finally {
    await release();
  }
}

/** "chunking 120/400 files, 1830 chunks, 45 chunks/s, ETA 1m 10s" */
function indexProgress(ctx: CliContext): (progress: IndexProgress) => void {
  const line = progressLine(ctx);
  const startedAt = Date.now();
  let phase: string | undefined;
  return (progress) => {
    if (progress.phase === 'done') return line.done();
    const embedding = progress.phase === 'embedding' && progress.keywordReady;
    const rate = ratePerSecond(embedding ? progress.vectors.ready : progress.chunks, startedAt);
    const eta = embedding
      ? formatEta(progress.vectors.ready, progress.vectors.total, startedAt)
      : formatEta(progress.filesDone, progress.filesTotal, startedAt);
    const speed = [rate === undefined ? '' : formatRate(rate, 'chunks'), eta].filter(Boolean).join(', ');
    line.update(`${describeProgress(progress)}${speed ? `, ${speed}` : ''}`, progress.phase !== phase);
    phase = progress.phase;
  };
}

/**
 * Once keyword search works the index can be queried (`reposage query`/`ask` in another shell): say so, and how far the
 * vectors are.
 */
export function describeProgress(progress: IndexProgress): string {
  if (progress.phase === 'embedding' && progress.keywordReady) {
    return (
      `keyword search ready; embedding ${progress.vectors.ready}/${progress.vectors.total} chunks ` +
      `(${vectorPercent(progress.vectors)}%)`
    );
  }
  const files = progress.filesTotal > 0 ? ` ${progress.filesDone}/${progress.filesTotal} files` : '';
  return `${progress.phase}${files}, ${progress.chunks} chunks`;
}

function formatSummary(summary: IndexSummary): string {
  const skipped =
    Object.entries(summary.files.skipped)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ') || 'none';
  const languages = Object.entries(summary.languages)
    .sort((a, b) => b[1] - a[1])
    .map(([lang, n]) => `${lang} ${n}`)
    .join(', ');
  return [
    summary.rebuiltBecause ? `Rebuilt the index: ${summary.rebuiltBecause}.` : undefined,
    `Indexed ${summary.root} in ${summary.seconds}s`,
    `  files:     ${summary.files.indexed} indexed, ${summary.files.unchanged} unchanged, ` +
      `${summary.files.removed} removed; skipped: ${skipped}`,
    `  chunks:    ${summary.chunks.total} in the index (${summary.chunks.embedded} embedded now, ` +
      `${summary.chunks.reusedEmbeddings} reused)`,
    `  languages: ${languages || 'none'}`,
    `  model:     ${summary.embeddingModel} (${summary.dimension} dimensions), chunker ${summary.chunkerVersion}`,
    `  index:     ${summary.dbDir}`,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}
