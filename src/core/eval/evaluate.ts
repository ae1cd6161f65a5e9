import { throwIfCancelled } from '../errors';
import type { RetrievalMode, RetrieveOptions, Retriever, StageTiming } from '../retrieval/types';
import type { GoldenQuestion } from './golden-set';
import { type QuestionScores, mean, percentile, scoreQuestion } from './metrics';

const CUTOFFS = [1, 5, 10, 20];

/** Quality at one hit level, keyed the way the JSON report shows it ("recall@5", "mrr@10", ...). */
export type QualityMetrics = { [recall: `recall@${number}`]: number; 'mrr@10': number; 'ndcg@10': number };

export interface Latency {
  p50_ms: number;
  p95_ms: number;
}

/**
 * One mode's figures. The top-level quality metrics are chunk level where the golden set gives lines
 * (file level where it gives only a path); file_level repeats them with any result in the file counting.
 */
export type ModeReport = QualityMetrics &
  Latency & {
    stages: Partial<Record<StageTiming['stage'], Latency>>;
    file_level: QualityMetrics;
  };

export interface EvalReport {
  modes: Partial<Record<RetrievalMode, ModeReport>>;
  questions: number;
  /** How many results each query asked for. */
  k: number;
}

export interface EvalOptions {
  modes: readonly RetrievalMode[];
  /** Results per query, and the largest recall cut-off (default 20). */
  k?: number;
  /** Retrieval settings to evaluate other than the defaults (candidate depth, RRF k, re-rank count). */
  tuning?: Pick<RetrieveOptions, 'candidates' | 'rrfK' | 'rerankCandidates' | 'denseSpace'>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, mode: RetrievalMode) => void;
}

/**
 * Runs every question through every mode and scores the results. Each mode first answers one
 * question unmeasured, so model warm-up and cold caches do not land in its latency figures.
 */
export async function evaluate(
  retriever: Retriever,
  questions: readonly GoldenQuestion[],
  options: EvalOptions,
): Promise<EvalReport> {
  const k = options.k ?? 20;
  const cutoffs = [...new Set([...CUTOFFS.filter((n) => n <= k), k])].sort((a, b) => a - b);
  const report: EvalReport = { modes: {}, questions: questions.length, k };
  for (const mode of options.modes) {
    const retrieveOptions: RetrieveOptions = { ...options.tuning, mode, k, signal: options.signal };
    if (questions.length > 0) await retriever.retrieve(questions[0].question, retrieveOptions);
    const chunkLevel: QuestionScores[] = [];
    const fileLevel: QuestionScores[] = [];
    const totals: number[] = [];
    const stages = new Map<StageTiming['stage'], number[]>();
    for (const [index, question] of questions.entries()) {
      throwIfCancelled(options.signal);
      const { chunks, trace } = await retriever.retrieve(question.question, retrieveOptions);
      const results = chunks.map(({ chunk }) => chunk);
      chunkLevel.push(scoreQuestion(results, question.expected, 'chunk', cutoffs));
      fileLevel.push(scoreQuestion(results, question.expected, 'file', cutoffs));
      totals.push(trace.totalMs);
      for (const { stage, ms } of trace.stages) stages.set(stage, [...(stages.get(stage) ?? []), ms]);
      options.onProgress?.(index + 1, questions.length, mode);
    }
    report.modes[mode] = {
      ...quality(chunkLevel, cutoffs),
      ...latency(totals),
      stages: Object.fromEntries([...stages].map(([stage, times]) => [stage, latency(times)])),
      file_level: quality(fileLevel, cutoffs),
    };
  }
  return report;
}

function quality(scores: QuestionScores[], cutoffs: number[]): QualityMetrics {
  const recall = Object.fromEntries(cutoffs.map((n) => [`recall@${n}`, mean(scores.map((s) => s.recall[n]))]));
  return { ...recall, 'mrr@10': mean(scores.map((s) => s.mrr10)), 'ndcg@10': mean(scores.map((s) => s.ndcg10)) };
}

function latency(times: number[]): Latency {
  return { p50_ms: percentile(times, 50), p95_ms: percentile(times, 95) };
}
