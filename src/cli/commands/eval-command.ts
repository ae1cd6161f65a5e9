import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { evaluate } from '../../core/eval/evaluate';
import { type GoldenQuestion, readGoldenSet } from '../../core/eval/golden-set';
import { formatReportMarkdown, formatReportTable } from '../../core/eval/report';
import type { RetrievalMode } from '../../core/retrieval/types';
import type { SearchableStore } from '../../core/store/layered-store';
import { type CliContext, type CliStreams, contextFor, print, warn } from '../context';
import {
  RETRIEVAL_MODES,
  dbOption,
  dirArgument,
  jsonOption,
  kOption,
  modeList,
  modelsOption,
  quietOption,
} from '../options';
import { formatEta, progressLine } from '../progress';
import { openSearchSession } from './search-session';
import { DEFAULT_EVAL_K } from '../../core/defaults';

export function registerEvalCommand(program: Command, streams: CliStreams): void {
  program
    .command('eval')
    .summary('measure retrieval quality and latency per mode against a golden set')
    .description(
      'Measure retrieval quality and latency per mode against a golden set (`reposage golden bootstrap` makes one).',
    )
    .argument(...dirArgument)
    .requiredOption('--golden <file>', 'the golden set (JSON lines of questions and expected locations)')
    .addOption(dbOption())
    .addOption(modelsOption())
    .option(
      '--modes <list>',
      `comma-separated modes, of ${RETRIEVAL_MODES.join(', ')} (default: every mode the installed models allow)`,
      modeList,
    )
    .addOption(kOption('rank cut-off of the measures', DEFAULT_EVAL_K))
    .option('--report <file>', 'also write the report as markdown to this file')
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (dir, flags) => {
      const ctx = contextFor(streams, flags);
      const questions = await readGoldenSet(flags.golden);
      const askedModes = flags.modes;
      const session = await openSearchSession(
        ctx,
        { root: dir, db: flags.db, models: flags.models },
        askedModes === undefined ? 'optional' : askedModes.includes('rerank') ? 'required' : 'none',
      );
      try {
        const modes: RetrievalMode[] =
          askedModes ?? (session.canRerank ? ['bm25', 'dense', 'hybrid', 'rerank'] : ['bm25', 'dense', 'hybrid']);
        await warnAboutUnindexedFiles(ctx, session.store, questions);
        const report = await evaluate(session.retriever, questions, {
          modes,
          k: flags.k,
          signal: ctx.signal,
          onProgress: evalProgress(ctx),
        });
        if (flags.report !== undefined) {
          const title = `Retrieval evaluation: ${path.basename(flags.golden)}`;
          await fs.writeFile(flags.report, formatReportMarkdown(report, title));
          warn(ctx, `wrote ${flags.report}`);
        }
        print(ctx, formatReportTable(report), report);
      } finally {
        await session.close();
      }
    });
}

/** A golden set for another checkout, or a stale index, shows up as files the index does not hold. */
async function warnAboutUnindexedFiles(
  ctx: CliContext,
  store: SearchableStore,
  questions: readonly GoldenQuestion[],
): Promise<void> {
  const catalog = await store.catalog();
  const missing = new Set(questions.flatMap((q) => q.expected.map((e) => e.path)).filter((p) => !catalog.has(p)));
  if (missing.size === 0) return;
  const examples = [...missing].slice(0, 3).join(', ');
  warn(
    ctx,
    `${missing.size} expected files are not in the index (${examples}${missing.size > 3 ? ', ...' : ''}); ` +
      `their questions cannot be answered.`,
  );
}

function evalProgress(ctx: CliContext): (done: number, total: number, mode: RetrievalMode) => void {
  const line = progressLine(ctx);
  let current: RetrievalMode | undefined;
  let startedAt = Date.now();
  return (done, total, mode) => {
    if (mode !== current) startedAt = Date.now();
    line.update(
      [`${mode}: ${done}/${total} questions`, formatEta(done, total, startedAt)].filter(Boolean).join(', '),
      mode !== current,
    );
    current = mode;
    if (done === total) line.done();
  };
}
