import path from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { RepoSageError } from '../../core/errors';
import { readIndexModel } from '../../core/store/manifest';
import { type DeepCheck, deepCheck } from '../../core/store/verify';
import { type CliStreams, contextFor, print, resolveDbDir } from '../context';
import { terminalSafe } from '../terminal-text';
import { dbOption, dirArgument, jsonOption, modelsOption, quietOption } from '../options';
import { indexRepository } from './index-command';

export function registerDoctorCommand(program: Command, streams: CliStreams): void {
  program
    .command('doctor')
    .summary('check every row of the index, and repair or rebuild what is damaged')
    .description('Read every row of the index to check it, and repair or rebuild what is damaged.')
    .argument(...dirArgument)
    .addOption(dbOption())
    .addOption(modelsOption())
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const root = path.resolve(dir ?? '.');
      const { db } = flags;
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
        models: flags.models,
        model: await readIndexModel(dbDir),
        rebuildBecause: before.rowsDamaged ? `reposage doctor found damaged rows (${before.problems[0]})` : undefined,
      });
      const after = await deepCheck(dbDir);
      if (!after.ok) {
        throw new RepoSageError(
          'INDEX_CORRUPT',
          `${describe(dbDir, after).replace(/\n\s*/g, ' ')}`,
          `Delete ${dbDir} and run \`reposage index\` to build it anew.`,
        );
      }
      const outcome = summary.rebuiltBecause ? `Rebuilt the index: ${summary.rebuiltBecause}.` : 'Repaired the index.';
      print(ctx, `${outcome}\n${describe(dbDir, after)}`, {
        dbDir,
        before,
        repaired: true,
        rebuiltBecause: summary.rebuiltBecause,
        after,
      });
    });
}

function describe(dbDir: string, check: DeepCheck): string {
  const read = `${check.chunksRead} chunks of ${check.filesRead} files read`;
  if (check.ok) return `Index ${dbDir} is sound: ${read}, all consistent.`;
  return [`Index ${dbDir} is damaged (${read}):`, ...check.problems.map((problem) => `  - ${problem}`)].join('\n');
}
