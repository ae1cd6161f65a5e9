import { promises as fs, stat as statCallback, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Ignore } from 'ignore';
import { RepoSageError, throwIfCancelled } from '../errors';
import {
  IGNORE_FILE_NAMES,
  createExcludeRules,
  createIncludeRules,
  emptyRules,
  isDotnetOutput,
  isVirtualEnv,
  withFolderRules,
} from './ignore-rules';
import { createLimiter } from './limit';
import { isFileSystemError } from './read-text-file';
import { kindByName, type SkippableKind } from './kinds';
import { isSecretPath } from './secrets';
import type { SkippedFile, WalkOptions, WalkResult, WorkspaceFile } from './types';
import { DEFAULT_MAX_FILE_BYTES } from '../defaults';

/** Node 20's fs.promises.stat costs about twice the callback form per call; a walk makes one per file. */
const statFile = promisify(statCallback);

/** Folders listed at once: keeps the disk busy while bounding memory on huge trees. */
const FOLDER_CONCURRENCY = 8;

interface Folder {
  /** As reached from the root, possibly through symlinks. */
  absolute: string;
  /** Relative to the root, POSIX separators; '' for the root itself. */
  relative: string;
  /** Resolved path, to tell a symlink back into an enclosing folder. */
  real: string;
  parent?: Folder;
  /** Rules of the enclosing folders; the folder's own ignore files are added when it is listed. */
  rules: Ignore;
}

interface Entered {
  entries: Dirent[];
  names: string[];
  /** The rules that apply inside the folder, its own ignore files included. */
  rules: Ignore;
}

/** A walk from the root's real path, with the excluded folders resolved as the walk meets them. */
async function startWalk(root: string, options: WalkOptions, signal: AbortSignal | undefined): Promise<WorkspaceWalk> {
  throwIfCancelled(signal);
  const rootReal = await resolveRoot(root);
  const excluded = await Promise.all(
    (options.excludeFolders ?? []).map((folder) => fs.realpath(folder).catch(() => path.resolve(folder))),
  );
  return new WorkspaceWalk(rootReal, { ...options, excludeFolders: excluded }, signal);
}

/**
 * Lists the files of a workspace worth indexing, and the ones left out for a reason worth showing.
 * Honours .gitignore and .reposageignore at every level, the built-in excludes, the user's globs and
 * the secret-file list; follows symlinks that stay inside the root, never in a loop.
 */
export async function walkWorkspace(
  root: string,
  options: WalkOptions = {},
  signal?: AbortSignal,
): Promise<WalkResult> {
  return (await startWalk(root, options, signal)).run(path.resolve(root));
}

/**
 * The same rules as walkWorkspace, applied to named paths only (root-relative, POSIX): a file is
 * listed if the walk would list it, a folder is walked as the walk would walk it. Only the folders
 * on the way down are read (for their ignore files), so a save costs a few reads, not a walk. A path
 * that no longer exists, or that the rules leave out, is simply not listed.
 */
export async function walkPaths(
  root: string,
  paths: readonly string[],
  options: WalkOptions = {},
  signal?: AbortSignal,
): Promise<WalkResult> {
  return (await startWalk(root, options, signal)).runPaths(path.resolve(root), paths);
}

/** The state of one walk: what was found and what was left out. */
class WorkspaceWalk {
  private readonly files: WorkspaceFile[] = [];
  private readonly skipped: SkippedFile[] = [];
  private ignored = 0;
  private readonly maxFileBytes: number;
  private readonly excludes: Ignore;
  private readonly includes: Ignore | undefined;
  private readonly includeKinds: ReadonlySet<SkippableKind>;
  private readonly excludedFolders: ReadonlySet<string>;
  private readonly limit = createLimiter(FOLDER_CONCURRENCY);

  constructor(
    private readonly rootReal: string,
    options: WalkOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (!(this.maxFileBytes > 0)) {
      throw new RepoSageError(
        'INVALID_INPUT',
        `The maximum file size must be a positive number of bytes, not ${this.maxFileBytes}.`,
        'Fix the maximum file size in the settings.',
      );
    }
    this.excludes = createExcludeRules(options.exclude);
    this.includes = createIncludeRules(options.include);
    this.includeKinds = new Set(options.includeKinds ?? []);
    this.excludedFolders = new Set(options.excludeFolders ?? []);
  }

  async run(rootAbsolute: string): Promise<WalkResult> {
    await this.visit(this.rootFolder(rootAbsolute));
    return this.result();
  }

  async runPaths(rootAbsolute: string, paths: readonly string[]): Promise<WalkResult> {
    const root = this.rootFolder(rootAbsolute);
    /** Folders on the way down, entered once however many paths pass through them. */
    const entered = new Map<string, Promise<Entered | undefined>>();
    const enter = (folder: Folder) => {
      let found = entered.get(folder.relative);
      if (!found) {
        found = this.enter(folder);
        entered.set(folder.relative, found);
      }
      return found;
    };
    for (const target of outermost(paths)) {
      throwIfCancelled(this.signal);
      if (target === '') {
        await this.visit(root);
        continue;
      }
      const names = target.split('/');
      let folder: Folder | undefined = root;
      for (const [depth, name] of names.entries()) {
        const inside: Entered | undefined = await enter(folder);
        const entry = inside?.entries.find((candidate) => candidate.name === name);
        const last = depth === names.length - 1;
        if (!inside || !entry || (!last && !(await isFolder(path.join(folder.absolute, name))))) break;
        const subfolder = await this.visitEntry(folder, entry, inside);
        if (last && subfolder) await this.visit(subfolder);
        if (!subfolder) break;
        folder = subfolder;
      }
    }
    return this.result();
  }

  private rootFolder(rootAbsolute: string): Folder {
    return { absolute: rootAbsolute, relative: '', real: this.rootReal, rules: emptyRules() };
  }

  private result(): WalkResult {
    const files = [...new Map(this.files.map((file) => [file.path, file])).values()];
    return { files: files.sort(byPath), skipped: this.skipped.sort(byPath), ignored: this.ignored };
  }

  private async visit(folder: Folder): Promise<void> {
    // Only the listing holds a slot: a folder waiting for its subfolders must not block them.
    const subfolders = await this.limit(() => this.readFolder(folder));
    await Promise.all(subfolders.map((subfolder) => this.visit(subfolder)));
  }

  /** Records the files of one folder and returns the subfolders still to walk. */
  private async readFolder(folder: Folder): Promise<Folder[]> {
    const inside = await this.enter(folder);
    if (!inside) return [];
    const subfolders = await Promise.all(inside.entries.map((entry) => this.visitEntry(folder, entry, inside)));
    return subfolders.filter((subfolder) => subfolder !== undefined);
  }

  /** A folder's entries and the rules inside it; undefined when it is unreadable or a virtual environment. */
  private async enter(folder: Folder): Promise<Entered | undefined> {
    throwIfCancelled(this.signal);
    const entries = await this.list(folder);
    if (!entries) return undefined;
    const names = entries.map((entry) => entry.name);
    if (folder.relative !== '' && isVirtualEnv(names)) {
      this.ignored++;
      return undefined;
    }
    return { entries, names, rules: await this.folderRules(folder, entries) };
  }

  /** Records the entry if it is a file to index; returns it if it is a folder to walk. */
  private async visitEntry(folder: Folder, entry: Dirent, { names, rules }: Entered): Promise<Folder | undefined> {
    const relative = childPath(folder.relative, entry.name);
    const absolute = path.join(folder.absolute, entry.name);
    if (entry.isDirectory()) {
      const real = path.join(folder.real, entry.name);
      if (this.isIgnored(`${relative}/`, rules) || isDotnetOutput(entry.name, names) || this.excludedFolders.has(real))
        this.ignored++;
      else return { absolute, relative, real, parent: folder, rules };
    } else if (entry.isFile()) {
      if (!this.admits(relative, rules, [relative])) return undefined;
      const stats = await this.stat(relative, absolute);
      if (stats) this.record(relative, absolute, stats);
    } else if (entry.isSymbolicLink()) {
      return this.followLink(folder, relative, absolute, rules);
    }
    // Sockets, pipes and devices hold nothing to index.
    return undefined;
  }

  private async list(folder: Folder): Promise<Dirent[] | undefined> {
    try {
      return await fs.readdir(folder.absolute, { withFileTypes: true });
    } catch (error) {
      if (!isFileSystemError(error)) throw error;
      if (folder.relative === '') throw unreadableRoot(folder.absolute, error);
      this.skip(folder.relative, 'unreadable');
      return undefined;
    }
  }

  /** The enclosing rules plus this folder's .gitignore, then .reposageignore, so ours can override git's. */
  private async folderRules(folder: Folder, entries: Dirent[]): Promise<Ignore> {
    const contents: string[] = [];
    for (const name of IGNORE_FILE_NAMES) {
      if (!entries.some((entry) => entry.name === name && !entry.isDirectory())) continue;
      try {
        contents.push(await fs.readFile(path.join(folder.absolute, name), 'utf8'));
      } catch (error) {
        if (!isFileSystemError(error)) throw error;
        this.skip(childPath(folder.relative, name), 'unreadable');
      }
    }
    return withFolderRules(folder.rules, folder.relative, contents);
  }

  /** Only links that resolve inside the root are followed, and a folder link only if it does not loop. */
  private async followLink(
    folder: Folder,
    relative: string,
    absolute: string,
    rules: Ignore,
  ): Promise<Folder | undefined> {
    let real: string;
    let stats: Stats;
    try {
      real = await fs.realpath(absolute);
      stats = await fs.stat(real);
    } catch (error) {
      if (!isFileSystemError(error)) throw error;
      this.skip(relative, error.code === 'ELOOP' ? 'symlink-loop' : 'unreadable');
      return undefined;
    }
    if (!isInside(this.rootReal, real)) {
      this.skip(relative, 'outside-root');
    } else if (stats.isDirectory()) {
      if (this.isIgnored(`${relative}/`, rules) || this.excludedFolders.has(real)) this.ignored++;
      else if (isEnclosing(folder, real)) this.skip(relative, 'symlink-loop');
      else return { absolute, relative, real, parent: folder, rules };
    } else if (
      stats.isFile() &&
      this.admits(relative, rules, [relative, path.relative(this.rootReal, real).split(path.sep).join('/')])
    ) {
      this.record(relative, absolute, stats);
    }
    return undefined;
  }

  /**
   * Applies the ignore rules, the include list, the secret check and the kinds no one asks about;
   * counts or records a refusal. `paths` are the file's root-relative path and, for a link, its target's.
   */
  private admits(relative: string, rules: Ignore, paths: string[]): boolean {
    if (this.isIgnored(relative, rules) || (this.includes && !this.includes.ignores(relative))) {
      this.ignored++;
      return false;
    }
    if (paths.some(isSecretPath)) {
      this.skip(relative, 'secret');
      return false;
    }
    const kind = kindByName(relative);
    if (kind && !this.includeKinds.has(kind)) {
      this.skip(relative, kind);
      return false;
    }
    return true;
  }

  /** `key` ends with '/' for a folder, which is how directory-only patterns (`build/`) tell. */
  private isIgnored(key: string, rules: Ignore): boolean {
    return this.excludes.ignores(key) || rules.ignores(key);
  }

  private async stat(relative: string, absolute: string): Promise<Stats | undefined> {
    try {
      return await statFile(absolute);
    } catch (error) {
      if (!isFileSystemError(error)) throw error;
      this.skip(relative, 'unreadable');
      return undefined;
    }
  }

  private record(relative: string, absolute: string, stats: Stats): void {
    if (stats.size > this.maxFileBytes) this.skip(relative, 'too-large');
    else this.files.push({ path: relative, absolutePath: absolute, size: stats.size, mtimeMs: stats.mtimeMs });
  }

  private skip(relative: string, reason: SkippedFile['reason']): void {
    this.skipped.push({ path: relative, reason });
  }
}

async function resolveRoot(root: string): Promise<string> {
  try {
    return await fs.realpath(root);
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    throw unreadableRoot(root, error);
  }
}

function unreadableRoot(root: string, cause: NodeJS.ErrnoException): RepoSageError {
  return new RepoSageError(
    'FILE_UNREADABLE',
    `Cannot list the workspace folder ${root} (${cause.code}).`,
    'Check that the folder exists, is a folder, and that you have permission to read it.',
    { cause },
  );
}

async function isFolder(absolute: string): Promise<boolean> {
  return fs.stat(absolute).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

function isInside(rootReal: string, real: string): boolean {
  const prefix = rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep;
  return real === rootReal || real.startsWith(prefix);
}

/** Whether `real` is this folder or one it sits in: following a link there would never end. */
function isEnclosing(folder: Folder | undefined, real: string): boolean {
  for (let current = folder; current; current = current.parent) if (current.real === real) return true;
  return false;
}

/** Plain code-unit order: the same on every machine, unlike localeCompare. */
function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The paths without those inside another one of them ('' is the root, holding every path); no duplicates. */
export function outermost(paths: readonly string[]): string[] {
  // Code-unit order puts a folder before everything inside it.
  const sorted = [...new Set(paths)].sort();
  const kept: string[] = [];
  for (const candidate of sorted) {
    if (!kept.some((outer) => isWithin(candidate, outer))) kept.push(candidate);
  }
  return kept;
}

/** Whether a root-relative path is `scope` or lies inside it ('' is the root). */
export function isWithin(relative: string, scope: string): boolean {
  return scope === '' || relative === scope || relative.startsWith(`${scope}/`);
}

/**
 * What must be looked at again after these paths changed: the paths themselves, except that a
 * changed ignore file changes what is indexed in its whole folder. Outermost only.
 */
export function changeScope(paths: readonly string[]): string[] {
  return outermost(
    paths.map((changed) => {
      const slash = changed.lastIndexOf('/');
      const name = changed.slice(slash + 1);
      return (IGNORE_FILE_NAMES as readonly string[]).includes(name) ? changed.slice(0, Math.max(slash, 0)) : changed;
    }),
  );
}
