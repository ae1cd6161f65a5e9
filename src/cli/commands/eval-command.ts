import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RepoSageError } from '../../core/errors';
import { evaluate } from '../../core/eval/evaluate';
import { type GoldenQuestion, readGoldenSet } from '../../core/eval/golden-set';
import { formatReportMarkdown, formatReportTable } from '../../core/eval/report';
import type { RetrievalMode } from '../../core/retrieval/types';
import type { SearchableStore } from '../../core/store/layered-store';
import type { CommandSpec } from '../command';
import { type CliContext, print } from '../context';
import { parseCount, parseMode } from './query-command';
import { openSearchSession } from './search-session';

export const evalCommand: CommandSpec = {
  name: 'eval',
  usage: 'reposage eval --golden FILE [DIR] [--db DIR] [--models DIR] [--modes LIST] [--k N] [--json] [--report FILE.md]',
  summary: 'Measure retrieval quality and latency per mode against a golden set.',
  options: {
    golden: { type: 'string' },
    db: { type: 'string' },
    models: { type: 'string' },
    modes: { type: 'string' },
    k: { type: 'string' },
    report: { type: 'string' },
  },
  async run(ctx, { positionals, values }) {
    if (typeof values.golden !== 'string') {
      throw new RepoSageError('INVALID_INPUT', 'No golden set given.', `Usage: ${evalCommand.usage}; \`reposage golden bootstrap\` makes one.`);
    }
    const questions = await readGoldenSet(values.golden);
    const askedModes = typeof values.modes === 'string' ? values.modes.split(',').map((m) => parseMode(m.trim())) : undefined;
    const k = parseCount(values.k as string | undefined, 'k', 20);
    const session = await openSearchSession(
      ctx,
      { root: positionals[0], db: values.db as string | undefined, models: values.models as string | undefined },
      askedModes === undefined ? 'optional' : askedModes.includes('rerank') ? 'required' : 'none',
    );
    try {
      const modes: RetrievalMode[] = askedModes ?? (session.canRerank ? ['bm25', 'dense', 'hybrid', 'rerank'] : ['bm25', 'dense', 'hybrid']);
      await warnAboutUnindexedFiles(ctx, session.store, questions);
      const report = await evaluate(session.retriever, questions, { modes, k, signal: ctx.signal, onProgress: progressLine(ctx) });
      if (typeof values.report === 'string') {
        const title = `Retrieval evaluation: ${path.basename(values.golden)}`;
        await fs.writeFile(values.report, formatReportMarkdown(report, title));
        ctx.stderr.write(`reposage: wrote ${values.report}\n`);
      }
      print(ctx, formatReportTable(report), report);
    } finally {
      await session.close();
    }
  },
};

/** A golden set for another checkout, or a stale index, shows up as files the index does not hold. */
async function warnAboutUnindexedFiles(ctx: CliContext, store: SearchableStore, questions: readonly GoldenQuestion[]): Promise<void> {
  const catalog = await store.catalog();
  const missing = new Set(questions.flatMap((q) => q.expected.map((e) => e.path)).filter((p) => !catalog.has(p)));
  if (missing.size === 0) return;
  const examples = [...missing].slice(0, 3).join(', ');
  ctx.stderr.write(`reposage: ${missing.size} expected files are not in the index (${examples}${missing.size > 3 ? ', ...' : ''}); their questions cannot be answered.\n`);
}

function progressLine(ctx: CliContext): ((done: number, total: number, mode: RetrievalMode) => void) | undefined {
  if (ctx.json || !(ctx.stderr as NodeJS.WriteStream).isTTY) return undefined;
  return (done, total, mode) => {
    ctx.stderr.write(done === total ? '\r\x1b[K' : `\r\x1b[K${mode}: ${done}/${total} questions`);
  };
}
