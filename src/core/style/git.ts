import { execFile } from 'node:child_process';
import { RepoSageError, throwIfCancelled } from '../errors';
import { readGitLog } from '../git/log-stream';

/** What git says about the folder: which commit it is at, and whether files differ from it. */
export interface GitState {
  /** Full hash of HEAD; undefined in a repository without commits. */
  head?: string;
  /** Tracked files differ from HEAD, or untracked files exist. */
  dirty: boolean;
}

/** Git's state for the folder, or undefined when git is not installed or the folder is not in a repository. */
export async function readGitState(root: string, signal?: AbortSignal): Promise<GitState | undefined> {
  const inside = await runGit(root, ['rev-parse', '--is-inside-work-tree'], signal);
  if (inside?.trim() !== 'true') return undefined;
  const head = (await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD'], signal))?.trim();
  const status = await runGit(root, ['status', '--porcelain', '--', '.'], signal);
  return { head: head || undefined, dirty: (status ?? '').trim().length > 0 };
}

export interface RecentActivity {
  days: number;
  commits: number;
  /** Distinct files changed by those commits, under the folder. */
  filesTouched: number;
  /** ISO date of the newest commit touching the folder, if any. */
  lastCommitDate?: string;
}

/** How much the code under `root` changed in the last `days` days, from git log. */
export async function recentActivity(root: string, days: number, signal?: AbortSignal): Promise<RecentActivity> {
  const log = await runGit(
    root,
    ['log', `--since=${days}.days`, '--no-merges', '--name-only', '--format=%x00%cI', '--', '.'],
    signal,
  );
  const files = new Set<string>();
  let commits = 0;
  let lastCommitDate: string | undefined;
  for (const line of (log ?? '').split('\n')) {
    if (line.startsWith('\0')) {
      commits++;
      lastCommitDate ??= line.slice(1);
    } else if (line.trim() !== '') {
      files.add(line);
    }
  }
  return { days, commits, filesTouched: files.size, ...(lastCommitDate ? { lastCommitDate } : {}) };
}

/** One commit with its message and its patch, the patch cut at the caller's limit. */
export interface CommitPatch {
  hash: string;
  message: string;
  /** File sections of the unified diff, in order, each starting with its `diff --git` line. */
  files: Array<{ path: string; diff: string }>;
}

/**
 * The newest `limit` non-merge commits that touch `root`, with their patches, read as one stream
 * so a long history is never held whole. Each file's diff keeps at most `maxLinesPerFile` lines.
 */
export async function* readCommitPatches(
  root: string,
  options: { limit: number; maxLinesPerFile: number; signal?: AbortSignal },
): AsyncGenerator<CommitPatch> {
  const args = [
    '-c',
    'core.quotepath=off',
    'log',
    '--no-merges',
    `--max-count=${options.limit}`,
    '--no-color',
    '--no-ext-diff',
    '--no-renames',
    '--patch',
    '--relative',
    '--format=%x1e%H%n%B%x1f',
    '--',
    '.',
  ];
  let current: CommitPatch | undefined;
  let file: { path: string; lines: string[]; dropped: number } | undefined;

  const closeFile = () => {
    if (!current || !file) return;
    const tail = file.dropped > 0 ? [`... (${file.dropped} more lines)`] : [];
    current.files.push({ path: file.path, diff: [...file.lines, ...tail].join('\n') });
    file = undefined;
  };

  for await (const entry of readGitLog(root, args, { signal: options.signal })) {
    if ('head' in entry) {
      closeFile();
      if (current) yield current;
      current = { hash: entry.head, message: entry.body.join('\n').trim(), files: [] };
      continue;
    }
    const { line } = entry;
    if (line.startsWith('diff --git ')) {
      closeFile();
      file = { path: diffPath(line), lines: [line], dropped: 0 };
    } else if (file) {
      // Blob hashes say nothing a reader of the change needs.
      if (line.startsWith('index ') && !file.lines.some((kept) => kept.startsWith('@@'))) continue;
      if (file.lines.length < options.maxLinesPerFile) file.lines.push(line);
      else file.dropped++;
    }
  }
  closeFile();
  if (current) yield current;
  throwIfCancelled(options.signal);
}

/** `diff --git a/src/x.ts b/src/x.ts` → `src/x.ts` (the new side, which a deletion keeps too). */
function diffPath(line: string): string {
  const match = / b\/(.+)$/.exec(line);
  return match ? match[1] : line.slice('diff --git '.length);
}

/**
 * Runs git in `cwd` and returns its output, or undefined when git is missing or fails (not a
 * repository, no commits): callers treat history as optional.
 */
function runGit(cwd: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  throwIfCancelled(signal);
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, signal, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout) => {
      if (signal?.aborted) reject(new RepoSageError('CANCELLED', 'The operation was cancelled.'));
      else resolve(error ? undefined : stdout);
    });
  });
}
