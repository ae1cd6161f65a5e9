import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type HistoryQuestion, goldenFromHistory } from '../../../src/core/eval/from-history';
import { CHUNKER_VERSION } from '../../../src/core/chunking';
import { DEFAULT_EMBEDDING_MODEL } from '../../../src/core/defaults';
import type { IndexerModels } from '../../../src/core/indexer/models';
import { ChunkStore } from '../../../src/core/store/chunk-store';
import { syncIndex } from '../../../src/core/indexer/sync';
import type { IndexSummary } from '../../../src/core/indexer/types';
import repoList from './repos.json';

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

/** A prepared repository with its index open, and the questions whose gold files the index holds. */
export interface OpenRepo {
  repo: PreparedRepo;
  store: ChunkStore;
  /** Paths the index holds. */
  indexed: string[];
  questions: HistoryQuestion[];
}

/**
 * Prepares each repository of a role in turn and hands it to `use` with its index open. A
 * repository without a mirror is skipped with a line saying how to fetch it. REPOSAGE_LOCALIZATION_REPOS
 * (comma-separated owner/name) narrows the run to those repositories, so one can be measured at a time.
 */
export async function forEachRepo(
  role: PinnedRepo['role'],
  indexer: IndexerModels,
  log: (line: string) => void,
  use: (open: OpenRepo) => Promise<void>,
): Promise<void> {
  const only = process.env.REPOSAGE_LOCALIZATION_REPOS?.split(',').map((name) => name.trim());
  for (const pinned of readRepoList().filter((r) => r.role === role && (!only || only.includes(r.repo)))) {
    const gitDir = mirrorOf(pinned);
    if (!gitDir) {
      log(`${pinned.repo}: no mirror, skipped (fetch github:${pinned.repo})`);
      continue;
    }
    const repo = await prepareRepo(pinned, gitDir, indexer, log);
    const store = await ChunkStore.openForRead(repo.dbDir, {
      embeddingModel: indexer.embedder.modelId,
      chunkerVersion: CHUNKER_VERSION,
    });
    try {
      const indexed = [...(await store.catalog()).keys()];
      await use({ repo, store, indexed, questions: answerableIn(repo.questions, new Set(indexed)) });
    } finally {
      store.close();
    }
  }
}

/** One index per embedding model (the embedder bake-off indexes each repository once per candidate). */
function indexFolder(modelId: string): string {
  return modelId === DEFAULT_EMBEDDING_MODEL ? 'index' : `index-${modelId.replace(/[^A-Za-z0-9.-]+/g, '_')}`;
}

/** Questions with the gold files the index holds (a fix may touch files the walker skips). */
function answerableIn(questions: HistoryQuestion[], indexed: Set<string>): HistoryQuestion[] {
  return questions
    .map((question) => ({ ...question, expected: question.expected.filter((location) => indexed.has(location.path)) }))
    .filter((question) => question.expected.length > 0);
}

/** Bump when the miner's rules change, so cached instance sets are mined again. */
const MINER_VERSION = 1;

function readRepoList(): PinnedRepo[] {
  return repoList.repositories as PinnedRepo[];
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
async function prepareRepo(
  repo: PinnedRepo,
  gitDir: string,
  indexer: IndexerModels,
  log: (line: string) => void,
): Promise<PreparedRepo> {
  const home = path.join(cacheDir(), `${repo.repo.replace('/', '+')}@${repo.pin.slice(0, 12)}`);
  const root = path.join(home, 'tree');
  if (!existsSync(root)) {
    const partial = `${root}.partial`;
    await fs.rm(partial, { recursive: true, force: true });
    await fs.mkdir(partial, { recursive: true });
    const archive = execFileSync('git', [`--git-dir=${gitDir}`, 'archive', '--format=tar', repo.pin], {
      maxBuffer: 1024 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', partial], { input: archive });
    await fs.rename(partial, root);
  }
  const instancesFile = path.join(home, `instances.v${MINER_VERSION}.json`);
  let questions: HistoryQuestion[];
  if (existsSync(instancesFile)) {
    questions = JSON.parse(await fs.readFile(instancesFile, 'utf8')) as HistoryQuestion[];
  } else {
    const mined = await goldenFromHistory({
      root: home,
      gitDir,
      range: `${repo.pin}..${repo.end}`,
      target: repo.pin,
      requireBody: true,
    });
    questions = mined.questions;
    await fs.writeFile(instancesFile, JSON.stringify(questions));
    log(
      `${repo.repo}: mined ${questions.length} questions from ${mined.fixes} fix commits ` +
        `(${JSON.stringify(mined.skipped)})`,
    );
  }
  const dbDir = path.join(home, indexFolder(indexer.embedder.modelId));
  const started = Date.now();
  const summary = await syncIndex({ root, dbDir }, indexer);
  if (summary.chunks.embedded > 0)
    log(
      `${repo.repo}: indexed ${summary.chunks.total} chunks (${summary.chunks.embedded} embedded now) in ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  return { ...repo, root, dbDir, questions, summary };
}
