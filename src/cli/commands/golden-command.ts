import path from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { RepoSageError } from '../../core/errors';
import { bootstrapGoldenSet } from '../../core/eval/bootstrap';
import { writeGoldenSet } from '../../core/eval/golden-set';
import { writeHeldOutCopy } from '../../core/eval/held-out';
import { type CliStreams, contextFor, print } from '../context';
import { dirArgument, jsonOption, wholeNumber } from '../options';

export function registerGoldenCommand(program: Command, streams: CliStreams): void {
  const golden = program.command('golden').summary('make a golden set of questions for `reposage eval`');
  golden
    .command('bootstrap')
    .summary("make a golden set from a repository's documented symbols")
    .description(
      "Make a golden set from a repository's documented functions, methods and classes. With --held-out, also write a copy of the repository without those doc comments, to index and evaluate on: there the questions' words are not in the code.",
    )
    .argument(...dirArgument)
    .requiredOption('--out <file>', 'where to write the golden set')
    .option('--limit <n>', 'at most this many questions', wholeNumber)
    .option('--held-out <copy-dir>', 'also write a copy of the repository without the doc comments here')
    .addOption(jsonOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const { out, limit } = flags;
      const root = path.resolve(dir);
      const result = await bootstrapGoldenSet({ root, limit, signal: ctx.signal });
      if (result.questions.length === 0) {
        throw new RepoSageError(
          'INVALID_INPUT',
          `No usable documented functions, methods or classes in ${root} (${result.documented} documented symbols in ${result.files} files).`,
          'Bootstrap needs doc comments or docstrings with a descriptive first sentence; write a golden set by hand instead.',
        );
      }
      const heldOutDir = flags.heldOut === undefined ? undefined : path.resolve(flags.heldOut);
      const heldOut = heldOutDir ? await writeHeldOutCopy({ root, questions: result.questions, dest: heldOutDir, signal: ctx.signal }) : undefined;
      const questions = heldOut?.questions ?? result.questions;
      await writeGoldenSet(out, questions);
      let text = `Wrote ${questions.length} questions to ${out} (from ${result.candidates} usable of ${result.documented} documented symbols in ${result.files} files).`;
      if (heldOut) {
        text += `\nWrote the held-out copy to ${heldOutDir} (${heldOut.files} files; ${heldOut.skipped} questions left out: their doc shares a line with code).`;
        text += `\nNext: reposage index ${heldOutDir} --db DIR, then reposage eval ${heldOutDir} --golden ${out} --db DIR`;
      }
      print(ctx, text, {
        out,
        questions: questions.length,
        candidates: result.candidates,
        documented: result.documented,
        files: result.files,
        ...(heldOut && { held_out: { dir: heldOutDir, files: heldOut.files, skipped: heldOut.skipped } }),
      });
    });
}
