import path from 'node:path';
import { RepoSageError } from '../../core/errors';
import { SKIPPABLE_KINDS, type SkippableKind } from '../../core/files';
import { syncIndex } from '../../core/indexer/sync';
import { vectorPercent } from '../../core/indexer/coverage';
import { loadIndexerModels } from '../../core/indexer/models';
import type { IndexProgress, IndexSummary } from '../../core/indexer/types';
import { type CliContext, print, resolveDbDir, resolveModelsDir } from '../context';
import type { CommandSpec } from '../command';

export const indexCommand: CommandSpec = {
  name: 'index',
  usage: `reposage index [DIR] [--db DIR] [--models DIR] [--model ID] [--include-kind ${SKIPPABLE_KINDS.join('|')}]... [--json]`,
  summary: 'Index a repository, or bring its index up to date.',
  options: { db: { type: 'string' }, models: { type: 'string' }, model: { type: 'string' }, 'include-kind': { type: 'string', multiple: true } },
  async run(ctx, { positionals, values }) {
    const summary = await indexRepository(ctx, {
      root: positionals[0],
      db: values.db as string | undefined,
      models: values.models as string | undefined,
      model: values.model as string | undefined,
      includeKinds: parseKinds(values['include-kind'] as string[] | undefined),
    });
    print(ctx, formatSummary(summary), summary);
  },
};

export interface IndexFlags {
  root?: string;
  db?: string;
  models?: string;
  model?: string;
  includeKinds?: SkippableKind[];
}

function parseKinds(values: string[] | undefined): SkippableKind[] | undefined {
  const kinds = values?.flatMap((value) => value.split(',')).map((kind) => kind.trim()).filter(Boolean);
  for (const kind of kinds ?? []) {
    if (!(SKIPPABLE_KINDS as readonly string[]).includes(kind)) {
      throw new RepoSageError('INVALID_INPUT', `Unknown file kind "${kind}" for --include-kind.`, `Use one of ${SKIPPABLE_KINDS.join(', ')}.`);
    }
  }
  return kinds as SkippableKind[] | undefined;
}

/** Shared by `index` and by the commands that build a missing or stale index before searching it. */
export async function indexRepository(ctx: CliContext, flags: IndexFlags): Promise<IndexSummary> {
  const root = path.resolve(flags.root ?? '.');
  const modelsDir = resolveModelsDir(flags.models);
  const models = await loadIndexerModels({ modelsDir, embeddingModel: flags.model });
  try {
    return await syncIndex(
      { root, dbDir: resolveDbDir(root, flags.db), modelsDir, embeddingModel: flags.model, includeKinds: flags.includeKinds },
      models,
      { signal: ctx.signal, onProgress: ctx.json ? undefined : progressLine(ctx) },
    );
  } finally {
    await models.embedder.dispose();
  }
}

function progressLine(ctx: CliContext): (progress: IndexProgress) => void {
  const isTty = (ctx.stderr as NodeJS.WriteStream).isTTY;
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (!isTty || (now - last < 100 && progress.phase !== 'done')) return;
    last = now;
    ctx.stderr.write(`\r\x1b[K${describeProgress(progress)}`);
    if (progress.phase === 'done') ctx.stderr.write('\r\x1b[K');
  };
}

/** Once keyword search works the index can be queried (`reposage query`/`ask` in another shell): say so, and how far the vectors are. */
export function describeProgress(progress: IndexProgress): string {
  if (progress.phase === 'embedding' && progress.keywordReady) {
    return `keyword search ready; embedding ${progress.vectors.ready}/${progress.vectors.total} chunks (${vectorPercent(progress.vectors)}%)`;
  }
  const files = progress.filesTotal > 0 ? ` ${progress.filesDone}/${progress.filesTotal} files` : '';
  return `${progress.phase}${files}, ${progress.chunks} chunks`;
}

function formatSummary(summary: IndexSummary): string {
  const skipped = Object.entries(summary.files.skipped).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
  const languages = Object.entries(summary.languages).sort((a, b) => b[1] - a[1]).map(([lang, n]) => `${lang} ${n}`).join(', ');
  return [
    summary.rebuiltBecause ? `Rebuilt the index: ${summary.rebuiltBecause}.` : undefined,
    `Indexed ${summary.root} in ${summary.seconds}s`,
    `  files:     ${summary.files.indexed} indexed, ${summary.files.unchanged} unchanged, ${summary.files.removed} removed; skipped: ${skipped}`,
    `  chunks:    ${summary.chunks.total} in the index (${summary.chunks.embedded} embedded now, ${summary.chunks.reusedEmbeddings} reused)`,
    `  languages: ${languages || 'none'}`,
    `  model:     ${summary.embeddingModel} (${summary.dimension} dimensions), chunker ${summary.chunkerVersion}`,
    `  index:     ${summary.dbDir}`,
  ].filter((line) => line !== undefined).join('\n');
}
