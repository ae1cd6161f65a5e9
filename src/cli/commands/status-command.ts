import path from 'node:path';
import { readIndexStatus } from '../../core/indexer/status';
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
      `  model:        ${status.embeddingModel} (${status.dimension} dimensions)`,
      `  chunker:      ${status.chunkerVersion}`,
      `  files:        ${status.files}`,
      `  chunks:       ${status.chunks}`,
      `  last update:  ${status.updatedAt}`,
    ].join('\n');
    print(ctx, text, status);
  },
};
