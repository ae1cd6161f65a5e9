import path from 'node:path';
import { MIN_GOOD_EXAMPLES, buildStyleDataset, countsByKind, totalExamples } from '../dataset/export';
import { type RecentActivity, readGitState, recentActivity } from '../git';
import { type GpuProbe, type GpuProbeOptions, probeGpu } from './gpu';
import { EXAMPLE_KINDS, type KindCounts } from '../types';

/** The window the code's pace of change is measured over. */
const ACTIVITY_DAYS = 90;
/** More commits than this in ACTIVITY_DAYS (a few a week) is code that changes often. */
const BUSY_COMMITS = 30;

/**
 * RAG alone, or RAG plus a style adapter. Never an adapter alone: it learns how the project writes
 * code, not what the code says now, so facts must come from retrieval either way.
 */
export type StyleRecommendation = 'rag-only' | 'rag-plus-adapter';

export interface StyleAdvice {
  root: string;
  /** Undefined when the folder is not in a git repository. */
  activity?: RecentActivity;
  examples: { total: number; byKind: KindCounts; threshold: number };
  gpu: GpuProbe;
  /** What the evidence here cannot settle. */
  questionsForYou: string[];
  recommendation: StyleRecommendation;
  /** Why, one sentence each, the evidence first. */
  reasons: string[];
}

export interface AdviseOptions extends GpuProbeOptions {
  /** As for the export: the most tokens one example may take. */
  maxTokens?: number;
}

const QUESTIONS_FOR_YOU = [
  'Is the problem tone and format (answers and code that do not read like this project), or wrong facts? ' +
    'An adapter can only help with the first; wrong facts are a retrieval problem (re-index, more context, a ' +
    'better golden set).',
  'Is retrieval latency acceptable? An adapter does not make answers faster: retrieval still runs for ' +
    'every question, and a tuned model is no smaller than its base.',
  "Will you retrain when the project's conventions change? An adapter keeps the style it was trained on.",
  'Can the code leave this machine for training? If not, the adapter must be trained on a GPU you control.',
];

/** Whether a style adapter is worth training for this repository, from evidence gathered here. */
export async function adviseStyle(root: string, options: AdviseOptions = {}): Promise<StyleAdvice> {
  const resolved = path.resolve(root);
  const { signal } = options;
  const [git, dataset, gpu] = await Promise.all([
    readGitState(resolved, signal),
    buildStyleDataset({ root: resolved, maxTokens: options.maxTokens, signal }),
    probeGpu(options),
  ]);
  const activity = git?.head ? await recentActivity(resolved, ACTIVITY_DAYS, signal) : undefined;
  const counts = countsByKind(dataset);
  const byKind = Object.fromEntries(
    EXAMPLE_KINDS.map((kind) => [kind, counts[kind].train + counts[kind].validation]),
  ) as KindCounts;
  const total = totalExamples(dataset);
  const enough = total >= MIN_GOOD_EXAMPLES;

  const reasons = [
    'Facts (what the code does, where things are) come from retrieval over the current index whatever you ' +
      'choose: an adapter is frozen at training time and would answer from stale code.',
    activityReason(activity),
    enough
      ? `The export yields ${total} good examples, at least the ${MIN_GOOD_EXAMPLES} a style adapter needs ` +
        `to learn more than the examples themselves.`
      : `The export yields only ${total} good examples, fewer than ${MIN_GOOD_EXAMPLES}: an adapter would ` +
        `mostly memorise them. A few of them as few-shot examples in the prompt get most of the effect.`,
    gpuReason(gpu),
  ];
  return {
    root: resolved,
    ...(activity ? { activity } : {}),
    examples: { total, byKind, threshold: MIN_GOOD_EXAMPLES },
    gpu,
    questionsForYou: QUESTIONS_FOR_YOU,
    recommendation: enough && gpu.cuda === 'yes' ? 'rag-plus-adapter' : 'rag-only',
    reasons,
  };
}

function activityReason(activity: RecentActivity | undefined): string {
  if (!activity)
    return (
      'There is no git history here, so how often the code changes is unknown, and there are no commit ' +
      'messages to learn from.'
    );
  const pace = `${activity.commits} commits touched ${activity.filesTouched} files in the last ${activity.days} days`;
  return activity.commits > BUSY_COMMITS
    ? `${pace}: the code changes often, which retrieval follows by re-indexing and weights cannot; an ` +
        `adapter must stay about style, and be retrained as conventions drift.`
    : `${pace}: the code changes slowly, so a style adapter trained now would stay current for a while.`;
}

function gpuReason(gpu: GpuProbe): string {
  if (gpu.cuda === 'yes') return `${gpu.detail} Training a LoRA adapter here is practical.`;
  return (
    `${gpu.detail} The training recipe needs a CUDA GPU: train elsewhere, then register the adapter here ` +
    `with \`reposage style register\`.`
  );
}

const RECOMMENDATION_TEXT: Record<StyleRecommendation, string> = {
  'rag-only': 'RAG only: keep answering from retrieval; do not train a style adapter now.',
  'rag-plus-adapter': 'Both: answer from retrieval, and train a style adapter for how answers and code are written.',
};

/** The advice as a terminal reads it. */
export function formatAdvice(advice: StyleAdvice): string {
  const { examples } = advice;
  const kinds = EXAMPLE_KINDS.map((kind) => `${kind} ${examples.byKind[kind]}`).join(', ');
  const activity = advice.activity;
  const lastCommit = activity?.lastCommitDate ? ` (last ${activity.lastCommitDate})` : '';
  return [
    `Recommendation: ${RECOMMENDATION_TEXT[advice.recommendation]}`,
    '',
    'Evidence:',
    activity
      ? `  Activity: ${activity.commits} commits, ${activity.filesTouched} files touched in ${activity.days} ` +
        `days${lastCommit}`
      : '  Activity: no git history',
    `  Style examples: ${examples.total} (${kinds}); ${examples.threshold} needed`,
    `  GPU: ${advice.gpu.detail}`,
    '',
    'Why:',
    ...advice.reasons.map((reason) => `  - ${reason}`),
    '',
    'Only you can answer:',
    ...advice.questionsForYou.map((question) => `  - ${question}`),
  ].join('\n');
}
