import path from 'node:path';
import { RepoSageError } from '../../core/errors';
import { bootstrapGoldenSet } from '../../core/eval/bootstrap';
import { writeGoldenSet } from '../../core/eval/golden-set';
import type { CommandSpec } from '../command';
import { print } from '../context';
import { parseCount } from './query-command';

export const goldenCommand: CommandSpec = {
  name: 'golden',
  usage: 'reposage golden bootstrap [DIR] --out FILE [--limit N]',
  summary: "Make a golden set from a repository's documented functions, methods and classes.",
  options: { out: { type: 'string' }, limit: { type: 'string' } },
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
    await writeGoldenSet(values.out, result.questions);
    const text = `Wrote ${result.questions.length} questions to ${values.out} (from ${result.candidates} usable of ${result.documented} documented symbols in ${result.files} files).`;
    print(ctx, text, { out: values.out, questions: result.questions.length, candidates: result.candidates, documented: result.documented, files: result.files });
  },
};
