import path from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { vectorPercent } from '../../core/indexer/coverage';
import { type IndexStatus, readIndexStatus } from '../../core/indexer/status';
import { hasModel } from '../../core/embedding/locate';
import { type CliStreams, contextFor, print, resolveDbDir, resolveModelsDir } from '../context';
import { dbOption, dirArgument, jsonOption, modelsOption } from '../options';
import { DEFAULT_RERANK_MODEL } from '../../core/defaults';

export function registerStatusCommand(program: Command, streams: CliStreams): void {
  program
    .command('status')
    .summary('show what the index holds and what built it')
    .description('Show what the index holds, what built it, and which optional models are missing.')
    .argument(...dirArgument)
    .addOption(dbOption())
    .addOption(modelsOption())
    .addOption(jsonOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const dbDir = resolveDbDir(path.resolve(dir ?? '.'), flags.db);
      const status = await readIndexStatus(dbDir);
      const modelsDir = resolveModelsDir(flags.models);
      const reranker = { model: DEFAULT_RERANK_MODEL, installed: hasModel(modelsDir, DEFAULT_RERANK_MODEL) };
      const text = [
        `Index ${status.dbDir}`,
        `  state:        ${describeState(status)}`,
        ...status.problems.map((problem) => `  problem:      ${problem}`),
        `  model:        ${status.embeddingModel} (${status.dimension} dimensions)`,
        `  chunker:      ${status.chunkerVersion}`,
        `  files:        ${status.files}`,
        `  chunks:       ${status.chunks}`,
        `  vectors:      ${describeVectors(status)}`,
        `  last update:  ${status.updatedAt}`,
        reranker.installed
          ? `  re-ranker:    ${reranker.model}`
          : `  re-ranker:    not installed, so queries use hybrid retrieval; put ${reranker.model} in ` +
            `--models DIR to re-rank`,
      ].join('\n');
      print(ctx, text, { ...status, reranker });
    });
}

function describeVectors(status: IndexStatus): string {
  const { ready, pending, none } = status.vectors;
  const parts = [
    `${ready} of ${ready + pending} chunks embedded (${vectorPercent({ ready, total: ready + pending })}%)`,
  ];
  if (pending > 0) parts.push(`${pending} found by keyword only until embedded`);
  if (none > 0) parts.push(`${none} keyword-only by design (vendored, generated, data, translations)`);
  return parts.join('; ');
}

function describeState(status: IndexStatus): string {
  const planned = status.filesPlanned !== undefined ? ` (${status.files} of ${status.filesPlanned} files)` : '';
  switch (status.state) {
    case 'complete':
      return 'complete';
    case 'building':
      return `being built by pid ${status.writerPid}${planned}`;
    case 'partial':
      return `partial${planned}: a run stopped before it finished; run \`reposage index\` to finish it`;
    case 'damaged':
      return 'damaged; run `reposage index` to repair it';
  }
}
