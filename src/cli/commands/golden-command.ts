import path from 'node:path';
import { RepoSageError } from '../../core/errors';
import { bootstrapGoldenSet } from '../../core/eval/bootstrap';
import { writeGoldenSet } from '../../core/eval/golden-set';
import { writeHeldOutCopy } from '../../core/eval/held-out';
import type { CommandSpec } from '../command';
import { print } from '../context';
import { parseCount } from './query-command';

export const goldenCommand: CommandSpec = {
  name: 'golden',
  usage: 'reposage golden bootstrap [DIR] --out FILE [--limit N] [--held-out COPY_DIR]',
  summary:
    "Make a golden set from a repository's documented functions, methods and classes. With --held-out, also write a copy of the repository without those doc comments, to index and evaluate on: there the questions' words are not in the code.",
  options: { out: { type: 'string' }, limit: { type: 'string' }, 'held-out': { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const [action, dir] = positionals;
    if (action !== 'bootstrap') {
      throw new RepoSageError('INVALID_INPUT', action ? `Unknown golden action "${action}".` : 'No golden action given.', `Usage: ${goldenCommand.usage}`);
    }
    if (typeof values.out !== 'string') throw new RepoSageError('INVALID_INPUT', 'No --out file given.', `Usage: ${goldenCommand.usage}`);
    const limit = values.limit === undefined ? undefined : parseCount(values.limit as string, 'limit', 0);
    const root = path.resolve(dir ?? '.');
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
