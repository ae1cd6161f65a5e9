import path from 'node:path';
import { vectorPercent } from '../../core/indexer/coverage';
import { type IndexStatus, readIndexStatus } from '../../core/indexer/status';
import { print, resolveDbDir } from '../context';
import type { CommandSpec } from '../command';

export const statusCommand: CommandSpec = {
  name: 'status',
  usage: 'reposage status [DIR] [--db DIR] [--json]',
  summary: 'Show what the index holds and what built it.',
  options: { db: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const dbDir = resolveDbDir(path.resolve(positionals[0] ?? '.'), values.db as string | undefined);
    const status = await readIndexStatus(dbDir);
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
    ].join('\n');
    print(ctx, text, status);
  },
};

function describeVectors(status: IndexStatus): string {
  const { ready, pending, none } = status.vectors;
  const parts = [`${ready} of ${ready + pending} chunks embedded (${vectorPercent({ ready, total: ready + pending })}%)`];
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
