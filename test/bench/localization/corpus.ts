import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type HistoryQuestion, goldenFromHistory } from '../../../src/core/eval/from-history';
import type { IndexerModels } from '../../../src/core/indexer/models';
import { syncIndex } from '../../../src/core/indexer/sync';
import type { IndexSummary } from '../../../src/core/indexer/types';

/** One public repository of the bench (or of the ranker's training data), pinned. */
export interface PinnedRepo {
  repo: string;
  language: string;
  role: 'bench' | 'train';
  /** The commit indexed, and whose files the gold paths and lines refer to. */
  pin: string;
  /** Fix commits come from pin..end. */
  end: string;
}

/** A repository made ready: its tree at the pin, its index, its questions. */
export interface PreparedRepo extends PinnedRepo {
  root: string;
  dbDir: string;
  questions: HistoryQuestion[];
  summary: IndexSummary;
}

/** Bump when the miner's rules change, so cached instance sets are mined again. */
const MINER_VERSION = 1;

/** Found beside this file in the source tree, and through the repository root from the bundle (dist/bench.js). */
export function readRepoList(): PinnedRepo[] {
  const candidates = [path.join(__dirname, 'repos.json'), path.resolve(__dirname, '../test/bench/localization/repos.json')];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`repos.json not found (looked at ${candidates.join(', ')})`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { repositories: PinnedRepo[] }).repositories;
}

/** Git directories the `fetch` tool brought (owner+name/repo), or REPOSAGE_MIRRORS. */
export function mirrorOf(repo: PinnedRepo): string | undefined {
  const base = process.env.REPOSAGE_MIRRORS ?? '/work/.mirror';
  const gitDir = path.join(base, repo.repo.replace('/', '+'), 'repo');
  return existsSync(gitDir) ? gitDir : undefined;
}

export function cacheDir(): string {
  return process.env.REPOSAGE_LOCALIZATION_CACHE ?? path.join(os.homedir(), '.cache', 'reposage', 'localization');
}

/**
 * The repository's tree at the pin (a git archive, unpacked once), its index (synced: incremental
 * and cached), and its fix-commit questions (mined once per miner version).
 */
export async function prepareRepo(repo: PinnedRepo, gitDir: string, indexer: IndexerModels, log: (line: string) => void): Promise<PreparedRepo> {
  const home = path.join(cacheDir(), `${repo.repo.replace('/', '+')}@${repo.pin.slice(0, 12)}`);
  const root = path.join(home, 'tree');
  if (!existsSync(root)) {
    const partial = `${root}.partial`;
    await fs.rm(partial, { recursive: true, force: true });
    await fs.mkdir(partial, { recursive: true });
    const archive = execFileSync('git', [`--git-dir=${gitDir}`, 'archive', '--format=tar', repo.pin], { maxBuffer: 1024 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', partial], { input: archive });
    await fs.rename(partial, root);
  }
  const instancesFile = path.join(home, `instances.v${MINER_VERSION}.json`);
  let questions: HistoryQuestion[];
  if (existsSync(instancesFile)) {
    questions = JSON.parse(await fs.readFile(instancesFile, 'utf8')) as HistoryQuestion[];
  } else {
    const mined = await goldenFromHistory({ root: home, gitDir, range: `${repo.pin}..${repo.end}`, target: repo.pin, requireBody: true });
    questions = mined.questions;
    await fs.writeFile(instancesFile, JSON.stringify(questions));
    log(`${repo.repo}: mined ${questions.length} questions from ${mined.fixes} fix commits (${JSON.stringify(mined.skipped)})`);
  }
  const dbDir = path.join(home, 'index');
  const started = Date.now();
  const summary = await syncIndex({ root, dbDir }, indexer);
  if (summary.chunks.embedded > 0) log(`${repo.repo}: indexed ${summary.chunks.total} chunks (${summary.chunks.embedded} embedded now) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { ...repo, root, dbDir, questions, summary };
}
