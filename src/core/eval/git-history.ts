import { execFile } from 'node:child_process';
import { RepoSageError } from '../errors';
import { MESSAGE_END, readGitLog } from '../git/log-stream';

/** Where git runs: a work tree (paths relative to `root`), or a bare git directory (paths from its top). */
export interface GitLocation {
  root: string;
  gitDir?: string;
}

/** One hunk header of a zero-context diff: `@@ -oldStart,oldLines +newStart,newLines @@`. */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

export interface ChangedFile {
  /** The path after the change (before it, for a deleted file). */
  path: string;
  status: 'added' | 'deleted' | 'modified';
  hunks: Hunk[];
}

/** A commit on the first-parent line; a merge is read as its whole change against its first parent. */
export interface HistoryCommit {
  hash: string;
  parents: string[];
  /** ISO 8601 committer date. */
  date: string;
  message: string;
  files: ChangedFile[];
}

function gitArgs(where: GitLocation, args: string[]): string[] {
  return [...(where.gitDir ? [`--git-dir=${where.gitDir}`] : []), '-c', 'core.quotepath=off', ...args];
}

/** Runs git to completion; a failure is an error naming the command. */
export function runGit(where: GitLocation, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      gitArgs(where, args),
      { cwd: where.root, maxBuffer: 256 * 1024 * 1024, signal },
      (error, stdout, stderr) => {
        if (error) {
          const reason = stderr.trim() || error.message;
          reject(
            new RepoSageError(
              'INVALID_INPUT',
              `git ${args.slice(0, 2).join(' ')} failed in ${where.gitDir ?? where.root}: ${reason}`,
              'Run it inside a git repository with history (not a shallow clone).',
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/**
 * First-parent commits of `range` (newest first) whose message matches `grep` (an extended regular
 * expression, case-insensitive), each with its zero-context hunks. Read as one stream, so a long
 * history is never held whole.
 */
export async function* readHistory(
  where: GitLocation,
  options: { range: string; grep?: string; signal?: AbortSignal },
): AsyncGenerator<HistoryCommit> {
  const args = gitArgs(where, [
    'log',
    '--first-parent',
    '--diff-merges=first-parent',
    '--no-color',
    '--no-ext-diff',
    '--no-renames',
    '--patch',
    '--unified=0',
    ...(where.gitDir ? [] : ['--relative']),
    ...(options.grep ? ['--regexp-ignore-case', '--extended-regexp', `--grep=${options.grep}`] : []),
    '--format=%x1e%H %P%n%cI%n%B%x1f',
    options.range,
    '--',
    ...(where.gitDir ? [] : ['.']),
  ]);
  const entries = readGitLog(where.root, args, {
    signal: options.signal,
    failed: (detail) =>
      new RepoSageError(
        'INVALID_INPUT',
        `git log failed in ${where.gitDir ?? where.root}: ${detail}`,
        'Run it inside a git repository with history (not a shallow clone).',
      ),
  });
  let current: HistoryCommit | undefined;
  let file: ChangedFile | undefined;
  const closeFile = () => {
    if (current && file) current.files.push(file);
    file = undefined;
  };
  for await (const entry of entries) {
    if ('head' in entry) {
      closeFile();
      if (current) yield current;
      const [hash, ...parents] = entry.head.split(' ');
      const [date = '', ...message] = entry.body;
      current = { hash, parents, date, message: message.join('\n').trim(), files: [] };
      continue;
    }
    const { line } = entry;
    if (line.startsWith('diff --git ')) {
      closeFile();
      file = { path: '', status: 'modified', hunks: [] };
    } else if (file && line.startsWith('--- ')) {
      if (line === '--- /dev/null') file.status = 'added';
      else file.path = stripPrefix(line.slice(4));
    } else if (file && line.startsWith('+++ ')) {
      if (line === '+++ /dev/null') file.status = 'deleted';
      else file.path = stripPrefix(line.slice(4));
    } else if (file && line.startsWith('@@ ')) {
      const hunk = parseHunkHeader(line);
      if (hunk) file.hunks.push(hunk);
    }
  }
  closeFile();
  if (current) yield current;
}

function stripPrefix(diffPath: string): string {
  return diffPath.replace(/^[ab]\//, '');
}

export function parseHunkHeader(line: string): Hunk | undefined {
  const match = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
  if (!match) return undefined;
  return {
    oldStart: Number(match[1]),
    oldLines: match[2] === undefined ? 1 : Number(match[2]),
    newStart: Number(match[3]),
    newLines: match[4] === undefined ? 1 : Number(match[4]),
  };
}

/** The zero-context hunks that turn `path` at commit `from` into `path` at commit `to`. */
export async function diffHunks(
  where: GitLocation,
  from: string,
  to: string,
  filePath: string,
  signal?: AbortSignal,
): Promise<Hunk[]> {
  const out = await runGit(
    where,
    [
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--no-renames',
      '--unified=0',
      ...(where.gitDir ? [] : ['--relative']),
      from,
      to,
      '--',
      filePath,
    ],
    signal,
  );
  return out
    .split('\n')
    .flatMap((line) =>
      line.startsWith('@@ ') ? [parseHunkHeader(line)].filter((h): h is Hunk => h !== undefined) : [],
    );
}

/** Every file path at `commit` (relative to the work tree folder, or to the top of a bare repository). */
export async function filesAt(where: GitLocation, commit: string, signal?: AbortSignal): Promise<Set<string>> {
  const out = await runGit(where, ['ls-tree', '-r', '--name-only', commit], signal);
  return new Set(out.split('\n').filter((line) => line.length > 0));
}

/** Full hash of a revision. */
export async function resolveCommit(where: GitLocation, revision: string, signal?: AbortSignal): Promise<string> {
  return (await runGit(where, ['rev-parse', '--verify', `${revision}^{commit}`], signal)).trim();
}

/** Messages of the commits a merge brought in (its second parent's side), oldest first. */
export async function mergedMessages(
  where: GitLocation,
  merge: HistoryCommit,
  signal?: AbortSignal,
): Promise<string[]> {
  if (merge.parents.length < 2) return [];
  const out = await runGit(
    where,
    ['log', '--reverse', '--no-merges', '--format=%B%x1f', `${merge.parents[0]}..${merge.parents[1]}`],
    signal,
  );
  return out
    .split(MESSAGE_END)
    .map((message) => message.trim())
    .filter((message) => message.length > 0);
}
