import path from 'node:path';
import { estimateTokens } from '../../chat/budget';
import { parseSource } from '../../languages/parse';
import { grammarFor, languageForPath } from '../../languages/registry';
import { throwIfCancelled } from '../../errors';
import { supportsGrammar } from '../../eval/documented-symbols';
import { readTextFile, walkWorkspace } from '../../files';
import { commitExamples } from './commit-examples';
import { dedupe } from './dedupe';
import { functionExamples } from './function-examples';
import { type GitState, readGitState } from '../git';
import { styleSystemPrompt } from './prompts';
import { isGeneratedFile, isVendoredPath } from '../../files/file-origin';
import { splitExamples } from './split';
import { type DropReason, EXAMPLE_KINDS, type ExampleKind, type Split, type StyleExample } from '../types';

/** Below this many examples a LoRA mostly memorises them; few-shot prompting does as well for less. */
export const MIN_GOOD_EXAMPLES = 500;

/** The training recipe's default --max-seq-len: longer conversations would be cut mid-answer. */
export const DEFAULT_MAX_EXAMPLE_TOKENS = 1024;
const DEFAULT_COMMIT_LIMIT = 2000;
/** The diff gets at most this share of an example's tokens, leaving room for the message and prompt. */
const DIFF_SHARE = 0.6;
/** The ratio estimateTokens assumes. */
const CHARS_PER_TOKEN = 3.5;
/** A file that takes longer to parse is pathological (generated, huge) and teaches no style. */
const PARSE_TIMEOUT_MS = 2000;

export interface StyleExportOptions {
  root: string;
  /** Most tokens (estimated) one example may take, system prompt included; set it to the training sequence length. */
  maxTokens?: number;
  /** The newest this many commits are read for commit-message examples. */
  commitLimit?: number;
  signal?: AbortSignal;
}

export type ExcludedReason = 'generated' | 'minified' | 'vendored';

export interface StyleDataset {
  projectName: string;
  /** Undefined when the folder is not in a git repository (or git is missing). */
  git?: GitState;
  splits: Record<Split, StyleExample[]>;
  /** Source files with code that gave at least one candidate example, and commits read. */
  sources: { files: number; commits: number };
  /** Files never read for examples, and why. */
  excludedFiles: Array<{ path: string; reason: ExcludedReason }>;
  dropped: Record<DropReason, number>;
  secretsScrubbed: number;
  maxTokens: number;
  warnings: string[];
}

/**
 * Builds the style dataset of a repository: implement- and document-a-function examples from its
 * documented functions, commit-message examples from its history; generated, vendored and minified
 * code left out, secrets scrubbed, over-long examples and duplicates dropped, split by file.
 */
export async function buildStyleDataset(options: StyleExportOptions): Promise<StyleDataset> {
  const { signal } = options;
  const root = path.resolve(options.root);
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_EXAMPLE_TOKENS;
  const projectName = path.basename(root);
  const systemPrompt = styleSystemPrompt(projectName);
  const dropped = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
  const addDropped = (counts: Partial<Record<DropReason, number>>) => {
    for (const [reason, count] of Object.entries(counts)) dropped[reason as DropReason] += count;
  };

  const fromCode = await codeExamples(root, systemPrompt, signal);
  addDropped(fromCode.dropped);
  const git = await readGitState(root, signal);
  const fromHistory = git?.head
    ? await commitExamples(root, {
        systemPrompt,
        limit: options.commitLimit ?? DEFAULT_COMMIT_LIMIT,
        maxDiffChars: Math.floor(maxTokens * DIFF_SHARE * CHARS_PER_TOKEN),
        signal,
      })
    : { examples: [], commits: 0, dropped: {}, secretsScrubbed: 0 };
  addDropped(fromHistory.dropped);

  const fitting = [...fromCode.examples, ...fromHistory.examples].filter((example) => {
    const fits = exampleTokens(example) <= maxTokens;
    if (!fits) dropped['too-long']++;
    return fits;
  });
  // The reply is what the model learns, so two examples with the same reply teach the same thing.
  const unique = dedupe(fitting, (example) => `${example.kind}\n${example.messages[2].content}`);
  dropped.duplicate += unique.duplicates;
  dropped['near-duplicate'] += unique.nearDuplicates;
  const splits = splitExamples(unique.kept);

  const dataset: StyleDataset = {
    projectName,
    ...(git ? { git } : {}),
    splits,
    sources: { files: fromCode.files, commits: fromHistory.commits },
    excludedFiles: fromCode.excluded,
    dropped,
    secretsScrubbed: fromCode.secretsScrubbed + fromHistory.secretsScrubbed,
    maxTokens,
    warnings: [],
  };
  dataset.warnings = datasetWarnings(dataset);
  return dataset;
}

const DROP_REASONS: readonly DropReason[] = [
  'generated',
  'minified',
  'factual',
  'no-summary',
  'trivial-message',
  'no-code',
  'too-long',
  'duplicate',
  'near-duplicate',
];

interface CodeExamples {
  examples: StyleExample[];
  files: number;
  excluded: StyleDataset['excludedFiles'];
  dropped: Partial<Record<DropReason, number>>;
  secretsScrubbed: number;
}

async function codeExamples(
  root: string,
  systemPrompt: string,
  signal: AbortSignal | undefined,
): Promise<CodeExamples> {
  // Generated files are told apart (and reported) below, by the export's own rules.
  const walk = await walkWorkspace(root, { includeKinds: ['generated'] }, signal);
  const result: CodeExamples = { examples: [], files: 0, excluded: [], dropped: {}, secretsScrubbed: 0 };
  for (const file of walk.files) {
    throwIfCancelled(signal);
    const language = languageForPath(file.path);
    const grammar = language && grammarFor(language);
    if (!grammar || !supportsGrammar(grammar)) continue;
    if (isVendoredPath(file.path)) {
      result.excluded.push({ path: file.path, reason: 'vendored' });
      continue;
    }
    // Generated files are told apart below (and reported); credentials are scrubbed per example.
    const read = await readTextFile(file.absolutePath, undefined, {
      includeKinds: ['generated'],
      callerScrubsSecrets: true,
    });
    if ('skipped' in read) {
      if (read.skipped === 'minified') result.excluded.push({ path: file.path, reason: 'minified' });
      continue;
    }
    if (isGeneratedFile(file.path, read.text)) {
      result.excluded.push({ path: file.path, reason: 'generated' });
      continue;
    }
    const parsed = await parseSource(read.text, grammar, { timeoutMs: PARSE_TIMEOUT_MS });
    if ('failed' in parsed) continue;
    try {
      const found = functionExamples({ path: file.path, text: read.text, grammar }, parsed.tree.rootNode, systemPrompt);
      if (found.examples.length > 0 || Object.keys(found.dropped).length > 0) result.files++;
      result.examples.push(...found.examples);
      result.secretsScrubbed += found.secretsScrubbed;
      for (const [reason, count] of Object.entries(found.dropped)) {
        result.dropped[reason as DropReason] = (result.dropped[reason as DropReason] ?? 0) + count;
      }
    } finally {
      parsed.tree.delete();
    }
  }
  for (const { reason } of result.excluded)
    if (reason !== 'vendored') result.dropped[reason] = (result.dropped[reason] ?? 0) + 1;
  return result;
}

function exampleTokens(example: StyleExample): number {
  return example.messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
}

export function countsByKind(dataset: StyleDataset): Record<ExampleKind, Record<Split, number>> {
  const counts = Object.fromEntries(EXAMPLE_KINDS.map((kind) => [kind, { train: 0, validation: 0 }])) as Record<
    ExampleKind,
    Record<Split, number>
  >;
  for (const split of ['train', 'validation'] as const)
    for (const example of dataset.splits[split]) counts[example.kind][split]++;
  return counts;
}

export function totalExamples(dataset: StyleDataset): number {
  return dataset.splits.train.length + dataset.splits.validation.length;
}

function datasetWarnings(dataset: StyleDataset): string[] {
  const warnings: string[] = [];
  const total = totalExamples(dataset);
  if (total < MIN_GOOD_EXAMPLES) {
    warnings.push(
      `Only ${total} good examples, fewer than ${MIN_GOOD_EXAMPLES}: a LoRA adapter trained on so few ` +
        `mostly memorises them. ` +
        'Put a handful of them in the prompt as few-shot examples instead, or collect more (document more ' +
        'functions, keep more history).',
    );
  }
  if (total > 0 && dataset.splits.validation.length === 0) {
    warnings.push(
      'The validation split is empty (too few files to hold one out): training cannot be checked for overfitting.',
    );
  }
  if (!dataset.git) warnings.push('No git history here, so there are no commit-message examples.');
  if (dataset.dropped['too-long'] > total) {
    warnings.push(
      `${dataset.dropped['too-long']} examples were longer than ${dataset.maxTokens} tokens and left out; ` +
        `a longer training sequence length (--max-tokens) keeps them.`,
    );
  }
  return warnings;
}
