import { throwIfCancelled } from '../errors';
import { isFixMessage, isSourcePath, isTestPath, questionFromMessage, FIX_WORDS } from './fix-commits';
import {
  type GitLocation,
  type HistoryCommit,
  diffHunks,
  filesAt,
  mergedMessages,
  readHistory,
  resolveCommit,
  runGit,
} from './git-history';
import type { ExpectedLocation, GoldenQuestion } from './golden-set';
import { changedRanges, mapRanges } from './line-map';

export interface FromHistoryOptions extends GitLocation {
  /** Commits to read, newest first (default HEAD: the whole first-parent history). */
  range?: string;
  /** The commit whose files the gold paths and lines refer to (default HEAD, what an index of the work tree reads). */
  target?: string;
  /** At most this many questions (default: all). */
  limit?: number;
  /** Fixes touching more source files than this are refactors, not answers to one question (default 4). */
  maxFiles?: number;
  /** Questions shorter than this many words are left out (default 5). */
  minWords?: number;
  /** Only fixes whose message has a body beyond its subject line (real issue text). */
  requireBody?: boolean;
  signal?: AbortSignal;
}

/** A question from one fix, with the commit it came from. */
export interface HistoryQuestion extends GoldenQuestion {
  commit: string;
  date: string;
}

export interface FromHistoryResult {
  questions: HistoryQuestion[];
  /** Commits whose message reads as a fix. */
  fixes: number;
  /** Why the other fixes gave no question. */
  skipped: { noSourceFile: number; tooManyFiles: number; tooShort: number; noBody: number; goneAtTarget: number };
}

/**
 * A golden set from a repository's own fixes: each fix commit's message (with the messages of the
 * commits a merge brought in: a pull request's text) is the question; the non-test source files it
 * changed, at the lines it changed, are the answer. Paths and lines are carried to `target`: the
 * lines a fix wrote when the target is after it, the lines it replaced (the bug) when before.
 */
export async function goldenFromHistory(options: FromHistoryOptions): Promise<FromHistoryResult> {
  const where: GitLocation = { root: options.root, gitDir: options.gitDir };
  const target = await resolveCommit(where, options.target ?? 'HEAD', options.signal);
  const present = await filesAt(where, target, options.signal);
  const maxFiles = options.maxFiles ?? 4;
  const minWords = options.minWords ?? 5;
  const result: FromHistoryResult = {
    questions: [],
    fixes: 0,
    skipped: { noSourceFile: 0, tooManyFiles: 0, tooShort: 0, noBody: 0, goneAtTarget: 0 },
  };

  for await (const commit of readHistory(where, {
    range: options.range ?? 'HEAD',
    grep: FIX_WORDS,
    signal: options.signal,
  })) {
    throwIfCancelled(options.signal);
    if (options.limit !== undefined && result.questions.length >= options.limit) break;
    const messages = [commit.message, ...(await mergedMessages(where, commit, options.signal))];
    if (!messages.some(isFixMessage)) continue;
    result.fixes++;
    const gold = commit.files.filter(
      (file) => file.status !== 'added' && isSourcePath(file.path) && !isTestPath(file.path),
    );
    if (gold.length === 0) {
      result.skipped.noSourceFile++;
      continue;
    }
    if (gold.length > maxFiles) {
      result.skipped.tooManyFiles++;
      continue;
    }
    const question = questionFromMessage(messages);
    if (question.split(/\s+/).filter(Boolean).length < minWords) {
      result.skipped.tooShort++;
      continue;
    }
    if (options.requireBody && !hasBody(question)) {
      result.skipped.noBody++;
      continue;
    }
    if (gold.some((file) => !present.has(file.path))) {
      result.skipped.goneAtTarget++;
      continue;
    }
    const expected = await expectedAt(where, commit, gold, target, options.signal);
    result.questions.push({
      id: `fix-${commit.hash.slice(0, 12)}`,
      question,
      expected,
      commit: commit.hash,
      date: commit.date,
    });
  }
  return result;
}

/** Issue text beyond a one-line title: a body of at least a few words. */
export function hasBody(question: string): boolean {
  const body = question.split('\n').slice(1).join(' ');
  return body.split(/\s+/).filter((word) => /[a-z]/i.test(word)).length >= 8;
}

/** Each gold file with the changed lines as they read at `target` (the file alone where none survive). */
async function expectedAt(
  where: GitLocation,
  commit: HistoryCommit,
  gold: HistoryCommit['files'],
  target: string,
  signal?: AbortSignal,
): Promise<ExpectedLocation[]> {
  const after = await isAncestor(where, commit.hash, target, signal);
  // After the fix: its written lines, carried forward. Before it: the lines it replaced, carried back from its parent.
  const from = after ? commit.hash : (commit.parents[0] ?? commit.hash);
  const expected: ExpectedLocation[] = [];
  for (const file of gold) {
    const ranges = changedRanges(file.hunks, after ? 'after' : 'before');
    const moved = from === target ? ranges : mapRanges(ranges, await diffHunks(where, from, target, file.path, signal));
    if (moved.length === 0) expected.push({ path: file.path });
    else for (const range of moved) expected.push({ path: file.path, ...range });
  }
  return expected;
}

async function isAncestor(
  where: GitLocation,
  ancestor: string,
  descendant: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await runGit(where, ['merge-base', '--is-ancestor', ancestor, descendant], signal);
    return true;
  } catch {
    return false;
  }
}
