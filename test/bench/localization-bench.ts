import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { isSourcePath, isTestPath } from '../../src/core/eval/fix-commits';
import { filesInOrder, firstHitRank, localizationScores } from '../../src/core/eval/file-ranks';
import type { HistoryQuestion } from '../../src/core/eval/from-history';
import { isHit } from '../../src/core/eval/metrics';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { type LearnedRanker, createLearnedRanker } from '../../src/core/ranking/learned-ranker';
import { withLearnedRanker } from '../../src/core/ranking/ranked-retriever';
import { createRetriever } from '../../src/core/retrieval/retriever';
import type { RetrievalMode, Retriever } from '../../src/core/retrieval/types';
import { testModels } from '../support/models';
import { type PreparedRepo, cacheDir, forEachRepo } from './localization/corpus';
import { FileBm25 } from './localization/file-bm25';
import { RANKER_MODEL_FILE } from './localization/train-ranker';
import { printTable } from './table';

const CUTOFFS = [1, 5, 10];
/** Chunks asked for per query: enough to rank ten distinct files nearly always. */
export const CHUNKS = 50;
const MODES: RetrievalMode[] = ['bm25', 'dense', 'hybrid'];

/**
 * A question's outcome under one ranker: the first gold file's rank, and whether a top-5 chunk overlaps the fixed
 * lines.
 */
export interface Outcome {
  fileRank?: number;
  lineHit5?: boolean;
}

/**
 * Real-issue localization: fix commits of pinned public repositories (issue text from the commit
 * or pull-request message) → the non-test source files they changed. Each repository is indexed
 * once at its pin; questions come from fixes after it whose files exist there. File Hit@1/5/10
 * and MRR per mode and per repository, beside plain BM25 over whole files.
 */
export async function benchLocalization(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const models = testModels();
  const indexer = await loadIndexerModels({ modelsDir: models.modelsDir });
  const ranker = existsSync(RANKER_MODEL_FILE)
    ? createLearnedRanker(JSON.parse(await fs.readFile(RANKER_MODEL_FILE, 'utf8')))
    : undefined;
  const results: Record<string, Record<string, Outcome[]>> = {};
  const counts: Array<Record<string, string | number>> = [];
  try {
    await forEachRepo('bench', indexer, log, async ({ repo, store, indexed, questions }) => {
      const stats = await store.stats();
      counts.push({
        repo: repo.repo,
        language: repo.language,
        pin: repo.pin.slice(0, 12),
        files: stats.files,
        chunks: stats.chunks,
        mined: repo.questions.length,
        questions: questions.length,
      });
      const retriever = createRetriever({ store, embedder: indexer.embedder });
      const byMode: Record<string, Outcome[]> = {
        'bm25 files': await baseline(repo, indexed, questions),
        'bm25 src files': await baseline(
          repo,
          indexed.filter((file) => isSourcePath(file) && !isTestPath(file)),
          questions,
        ),
      };
      for (const mode of MODES) byMode[mode] = await runMode(retriever, mode, questions);
      if (ranker)
        byMode['hybrid + ranker'] = await runMode(withLearnedRanker(retriever, timed(ranker)), 'hybrid', questions);
      results[repo.repo] = byMode;
      // Each repository's rows as soon as they exist: indexing all of them takes a while on a busy machine.
      printTable(Object.entries(byMode).map(([mode, outcomes]) => row(repo.repo, mode, outcomes)));
    });
  } finally {
    await indexer.embedder.dispose();
  }
  log('\ninstances\n');
  printTable(counts);
  const rows = Object.entries(results).flatMap(([repo, byMode]) =>
    Object.entries(byMode).map(([mode, outcomes]) => row(repo, mode, outcomes)),
  );
  const modes = Object.keys(Object.values(results)[0] ?? {});
  const pooled = modes.map((mode) =>
    row(
      'all',
      mode,
      Object.values(results).flatMap((byMode) => byMode[mode]),
    ),
  );
  log(
    '\n' +
      `file-level localization (Hit@n: a changed non-test source file among the first n files; ranked ` +
      `files from the top ${CHUNKS} chunks)\n`,
  );
  printTable([...rows, ...pooled]);
  log(
    '\n' +
      'bm25 files: plain BM25 with whole files as documents, over every indexed file; bm25 src files: over ' +
      'the non-test source files only (the kind of file the gold is).',
  );
  if (rankerTime.candidates > 0)
    log(
      `learned ranker: ${((rankerTime.ms * 1000) / rankerTime.candidates).toFixed(2)} µs per candidate ` +
        `(features and score), ${(rankerTime.ms / rankerTime.calls).toFixed(2)} ms per query of ` +
        `${Math.round(rankerTime.candidates / rankerTime.calls)} candidates`,
    );
  log(
    'goal: default mode (hybrid) hit@5 >= bm25 files + 0.15 on all, and >= the best single retriever on ' +
      'every repository\n',
  );
  await fs.writeFile(
    path.join(cacheDir(), 'results.json'),
    JSON.stringify({ counts, rows: [...rows, ...pooled] }, null, 2),
  );
}

export async function runMode(
  retriever: Retriever,
  mode: RetrievalMode,
  questions: HistoryQuestion[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const question of questions) {
    const { chunks } = await retriever.retrieve(question.question, { mode, k: CHUNKS });
    const results = chunks.map(({ chunk }) => chunk);
    const lined = question.expected.filter((location) => location.startLine !== undefined);
    outcomes.push({
      fileRank: firstHitRank(filesInOrder(results), question.expected),
      lineHit5:
        lined.length === 0
          ? undefined
          : results.slice(0, 5).some((result) => lined.some((location) => isHit(result, location, 'chunk'))),
    });
  }
  return outcomes;
}

const rankerTime = { ms: 0, candidates: 0, calls: 0 };

function timed(ranker: LearnedRanker): LearnedRanker {
  return {
    rerank(query, candidates) {
      const start = performance.now();
      const ranked = ranker.rerank(query, candidates);
      rankerTime.ms += performance.now() - start;
      rankerTime.candidates += candidates.length;
      rankerTime.calls++;
      return ranked;
    },
  };
}

async function baseline(repo: PreparedRepo, indexed: string[], questions: HistoryQuestion[]): Promise<Outcome[]> {
  const files = await Promise.all(
    indexed.map(async (file) => ({ path: file, text: await fs.readFile(path.join(repo.root, file), 'utf8') })),
  );
  const bm25 = new FileBm25(files);
  return questions.map((question) => ({ fileRank: firstHitRank(bm25.rank(question.question), question.expected) }));
}

export function row(repo: string, mode: string, outcomes: Outcome[]): Record<string, string | number> {
  const scores = localizationScores(
    outcomes.map((outcome) => outcome.fileRank),
    CUTOFFS,
  );
  const lined = outcomes.filter((outcome) => outcome.lineHit5 !== undefined);
  return {
    repo,
    mode,
    questions: outcomes.length,
    'hit@1': scores['hit@1'],
    'hit@5': scores['hit@5'],
    'hit@10': scores['hit@10'],
    mrr: scores.mrr,
    'lines hit@5': lined.length === 0 ? '-' : lined.filter((outcome) => outcome.lineHit5).length / lined.length,
  };
}
