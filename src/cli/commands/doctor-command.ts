import path from 'node:path';
import { RepoSageError } from '../../core/errors';
import { readIndexModel } from '../../core/store/manifest';
import { type DeepCheck, deepCheck } from '../../core/store/verify';
import type { CommandSpec } from '../command';
import { terminalSafe } from '../terminal-text';
import { print, resolveDbDir } from '../context';
import { indexRepository } from './index-command';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  usage: 'reposage doctor [DIR] [--db DIR] [--models DIR] [--json]',
  summary: 'Read every row of the index to check it, and repair or rebuild what is damaged.',
  options: { db: { type: 'string' }, models: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const root = path.resolve(positionals[0] ?? '.');
    const db = values.db as string | undefined;
    const dbDir = resolveDbDir(root, db);
    const before = await deepCheck(dbDir);
    if (before.ok) {
      print(ctx, `${describe(dbDir, before)}\nNothing to repair.`, { dbDir, before, repaired: false });
      return;
    }
    if (!ctx.json) ctx.stderr.write(`${terminalSafe(describe(dbDir, before))}\nRepairing...\n`);
    // Rows that read but do not add up pass the cheap check on open: only a rebuild replaces them.
    const summary = await indexRepository(ctx, {
      root,
      db,
      models: values.models as string | undefined,
      model: await readIndexModel(dbDir),
      rebuildBecause: before.rowsDamaged ? `reposage doctor found damaged rows (${before.problems[0]})` : undefined,
    });
    const after = await deepCheck(dbDir);
    if (!after.ok) {
      throw new RepoSageError('INDEX_CORRUPT', `${describe(dbDir, after).replace(/\n\s*/g, ' ')}`, `Delete ${dbDir} and run \`reposage index\` to build it anew.`);
    }
    const outcome = summary.rebuiltBecause ? `Rebuilt the index: ${summary.rebuiltBecause}.` : 'Repaired the index.';
    print(ctx, `${outcome}\n${describe(dbDir, after)}`, { dbDir, before, repaired: true, rebuiltBecause: summary.rebuiltBecause, after });
  },
};

function describe(dbDir: string, check: DeepCheck): string {
  const read = `${check.chunksRead} chunks of ${check.filesRead} files read`;
  if (check.ok) return `Index ${dbDir} is sound: ${read}, all consistent.`;
  return [`Index ${dbDir} is damaged (${read}):`, ...check.problems.map((problem) => `  - ${problem}`)].join('\n');
}
