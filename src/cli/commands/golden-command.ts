import path from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { RepoSageError } from '../../core/errors';
import { bootstrapGoldenSet } from '../../core/eval/bootstrap';
import { goldenFromHistory } from '../../core/eval/from-history';
import { writeGoldenSet } from '../../core/eval/golden-set';
import { writeHeldOutCopy } from '../../core/eval/held-out';
import { type CliContext, type CliStreams, contextFor, print } from '../context';
import { dirArgument, jsonOption, wholeNumber } from '../options';

export function registerGoldenCommand(program: Command, streams: CliStreams): void {
  const golden = program.command('golden').summary('make a golden set of questions for `reposage eval`');
  golden
    .command('bootstrap')
    .summary("make a golden set from a repository's documented symbols")
    .description(
      "Make a golden set from a repository's documented functions, methods and classes. With --held-out, " +
        'also write a copy of the repository without those doc comments, to index and evaluate on: there the ' +
        "questions' words are not in the code.",
    )
    .argument(...dirArgument)
    .requiredOption('--out <file>', 'where to write the golden set')
    .option('--limit <n>', 'at most this many questions', wholeNumber)
    .option('--held-out <copy-dir>', 'also write a copy of the repository without the doc comments here')
    .addOption(jsonOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const { out, limit } = flags;
      const root = path.resolve(dir ?? '.');
      const result = await bootstrapGoldenSet({ root, limit, signal: ctx.signal });
      if (result.questions.length === 0) {
        throw new RepoSageError(
          'INVALID_INPUT',
          `No usable documented functions, methods or classes in ${root} (${result.documented} documented ` +
            `symbols in ${result.files} files).`,
          'Bootstrap needs doc comments or docstrings with a descriptive first sentence; write a golden ' +
            'set by hand instead.',
        );
      }
      const heldOutDir = flags.heldOut === undefined ? undefined : path.resolve(flags.heldOut);
      const heldOut = heldOutDir
        ? await writeHeldOutCopy({ root, questions: result.questions, dest: heldOutDir, signal: ctx.signal })
        : undefined;
      const questions = heldOut?.questions ?? result.questions;
      await writeGoldenSet(out, questions);
      let text =
        `Wrote ${questions.length} questions to ${out} (from ${result.candidates} usable of ` +
        `${result.documented} documented symbols in ${result.files} files).`;
      if (heldOut) {
        text +=
          `\nWrote the held-out copy to ${heldOutDir} (${heldOut.files} files; ${heldOut.skipped} questions ` +
          `left out: their doc shares a line with code).`;
        text +=
          `\nNext: reposage index ${heldOutDir} --db DIR, then reposage eval ${heldOutDir} --golden ${out} ` +
          `--db DIR`;
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

  golden
    .command('from-history')
    .summary("make a golden set from the repository's own fix commits")
    .description(
      "Make a golden set from the repository's own fix commits: the commit or pull-request message is the " +
        'question; the non-test source files and lines it changed, as they read now, are the answer.',
    )
    .argument(...dirArgument)
    .requiredOption('--out <file>', 'where to write the golden set')
    .option('--limit <n>', 'at most this many questions', wholeNumber)
    .option('--range <revs>', 'only the commits in this range (e.g. v2.0..HEAD)')
    .option('--with-body', 'only fixes whose message has more than a title')
    .addOption(jsonOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      await fromHistory(ctx, path.resolve(dir ?? '.'), flags.out, {
        limit: flags.limit,
        range: flags.range,
        requireBody: flags.withBody === true,
      });
    });
}

async function fromHistory(
  ctx: CliContext,
  root: string,
  out: string,
  options: { limit?: number; range?: string; requireBody: boolean },
): Promise<void> {
  const result = await goldenFromHistory({ root, ...options, signal: ctx.signal });
  const skipped = Object.entries(result.skipped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${SKIP_REASONS[reason as keyof typeof result.skipped]}`);
  if (result.questions.length === 0) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `No usable fix commits in ${root}${options.range ? ` (${options.range})` : ''}: ${result.fixes} ` +
        `commits read as fixes${skipped.length ? `; ${skipped.join(', ')}` : ''}.`,
      options.requireBody
        ? 'Try without --with-body, or a wider --range.'
        : 'from-history needs commits that fix source files with a descriptive message; bootstrap makes ' +
            'questions from doc comments instead.',
    );
  }
  // Extra fields (commit, date) stay in the file for the reader; eval ignores them.
  await writeGoldenSet(out, result.questions);
  const lined = result.questions.filter((question) =>
    question.expected.some((location) => location.startLine !== undefined),
  ).length;
  const text = [
    `Wrote ${result.questions.length} questions to ${out} from ${result.fixes} fix commits (${lined} with ` +
      `changed lines as they read at HEAD).`,
    ...(skipped.length > 0 ? [`Left out: ${skipped.join(', ')}.`] : []),
    `Next: reposage index ${root}, then reposage eval ${root} --golden ${out}`,
  ].join('\n');
  print(ctx, text, {
    out,
    questions: result.questions.length,
    fixes: result.fixes,
    with_lines: lined,
    skipped: result.skipped,
  });
}

const SKIP_REASONS = {
  noSourceFile: 'changed no non-test source file',
  tooManyFiles: 'changed too many files to be one answer',
  tooShort: 'had too short a message',
  noBody: 'had only a title',
  goneAtTarget: 'changed files gone since',
};
