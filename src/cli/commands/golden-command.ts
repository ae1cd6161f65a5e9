import path from 'node:path';
import { RepoSageError } from '../../core/errors';
import { bootstrapGoldenSet } from '../../core/eval/bootstrap';
import { goldenFromHistory } from '../../core/eval/from-history';
import { writeGoldenSet } from '../../core/eval/golden-set';
import { writeHeldOutCopy } from '../../core/eval/held-out';
import type { CommandSpec } from '../command';
import { type CliContext, print } from '../context';
import { parseCount } from './query-command';

export const goldenCommand: CommandSpec = {
  name: 'golden',
  usage: 'reposage golden bootstrap [DIR] --out FILE [--limit N] [--held-out COPY_DIR]\n       reposage golden from-history [DIR] --out FILE [--limit N] [--range REVS] [--with-body]',
  summary:
    "Make a golden set. bootstrap: from a repository's documented functions, methods and classes; with --held-out, also write a copy of the repository without those doc comments, to index and evaluate on. from-history: from the repository's own fix commits (the commit or pull-request message is the question; the non-test source files and lines it changed, as they read now, are the answer); --range limits the commits read (e.g. v2.0..HEAD), --with-body keeps only fixes whose message has more than a title.",
  options: {
    out: { type: 'string' },
    limit: { type: 'string' },
    'held-out': { type: 'string' },
    range: { type: 'string' },
    'with-body': { type: 'boolean' },
  },
  async run(ctx, { positionals, values }) {
    const [action, dir] = positionals;
    if (action !== 'bootstrap' && action !== 'from-history') {
      throw new RepoSageError('INVALID_INPUT', action ? `Unknown golden action "${action}".` : 'No golden action given.', `Usage: ${goldenCommand.usage}`);
    }
    if (typeof values.out !== 'string') throw new RepoSageError('INVALID_INPUT', 'No --out file given.', `Usage: ${goldenCommand.usage}`);
    const limit = values.limit === undefined ? undefined : parseCount(values.limit as string, 'limit', 0);
    const root = path.resolve(dir ?? '.');
    if (action === 'from-history') {
      await fromHistory(ctx, root, values.out, { limit, range: values.range as string | undefined, requireBody: values['with-body'] === true });
      return;
    }
    const result = await bootstrapGoldenSet({ root, limit, signal: ctx.signal });
    if (result.questions.length === 0) {
      throw new RepoSageError(
        'INVALID_INPUT',
        `No usable documented functions, methods or classes in ${root} (${result.documented} documented symbols in ${result.files} files).`,
        'Bootstrap needs doc comments or docstrings with a descriptive first sentence; write a golden set by hand instead.',
      );
    }
    const heldOutDir = values['held-out'] === undefined ? undefined : path.resolve(values['held-out'] as string);
    const heldOut = heldOutDir ? await writeHeldOutCopy({ root, questions: result.questions, dest: heldOutDir, signal: ctx.signal }) : undefined;
    const questions = heldOut?.questions ?? result.questions;
    await writeGoldenSet(values.out, questions);
    let text = `Wrote ${questions.length} questions to ${values.out} (from ${result.candidates} usable of ${result.documented} documented symbols in ${result.files} files).`;
    if (heldOut) {
      text += `\nWrote the held-out copy to ${heldOutDir} (${heldOut.files} files; ${heldOut.skipped} questions left out: their doc shares a line with code).`;
      text += `\nNext: reposage index ${heldOutDir} --db DIR, then reposage eval ${heldOutDir} --golden ${values.out} --db DIR`;
    }
    print(ctx, text, {
      out: values.out,
      questions: questions.length,
      candidates: result.candidates,
      documented: result.documented,
      files: result.files,
      ...(heldOut && { held_out: { dir: heldOutDir, files: heldOut.files, skipped: heldOut.skipped } }),
    });
  },
};

async function fromHistory(ctx: CliContext, root: string, out: string, options: { limit?: number; range?: string; requireBody: boolean }): Promise<void> {
  const result = await goldenFromHistory({ root, ...options, signal: ctx.signal });
  const skipped = Object.entries(result.skipped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${SKIP_REASONS[reason as keyof typeof result.skipped]}`);
  if (result.questions.length === 0) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `No usable fix commits in ${root}${options.range ? ` (${options.range})` : ''}: ${result.fixes} commits read as fixes${skipped.length ? `; ${skipped.join(', ')}` : ''}.`,
      options.requireBody ? 'Try without --with-body, or a wider --range.' : 'from-history needs commits that fix source files with a descriptive message; bootstrap makes questions from doc comments instead.',
    );
  }
  // Extra fields (commit, date) stay in the file for the reader; eval ignores them.
  await writeGoldenSet(out, result.questions);
  const lined = result.questions.filter((question) => question.expected.some((location) => location.startLine !== undefined)).length;
  const text = [
    `Wrote ${result.questions.length} questions to ${out} from ${result.fixes} fix commits (${lined} with changed lines as they read at HEAD).`,
    ...(skipped.length > 0 ? [`Left out: ${skipped.join(', ')}.`] : []),
    `Next: reposage index ${root}, then reposage eval ${root} --golden ${out}`,
  ].join('\n');
  print(ctx, text, { out, questions: result.questions.length, fixes: result.fixes, with_lines: lined, skipped: result.skipped });
}

const SKIP_REASONS = {
  noSourceFile: 'changed no non-test source file',
  tooManyFiles: 'changed too many files to be one answer',
  tooShort: 'had too short a message',
  noBody: 'had only a title',
  goneAtTarget: 'changed files gone since',
};
