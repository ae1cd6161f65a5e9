import ignore, { type Ignore } from 'ignore';

/** Files in any folder whose patterns apply to that folder and everything below it. */
export const IGNORE_FILE_NAMES = ['.gitignore', '.reposageignore'] as const;

/**
 * What a codebase assistant should never read: tool and dependency folders, build output, vendored
 * code and our own index. .gitignore syntax, relative to the root. Lock files, minified bundles
 * and other files no one asks about are skipped by kind (kinds.ts), so they are reported.
 */
const DEFAULT_EXCLUDES = [
  '.git/',
  '.hg/',
  '.svn/',
  '.reposage/',
  'node_modules/',
  'bower_components/',
  'dist/',
  'build/',
  'out/',
  'target/',
  '.next/',
  'coverage/',
  '__pycache__/',
  '.venv/',
  'venv/',
  '.tox/',
  '.gradle/',
  'vendor/',
  'third_party/',
];

/** Git matches case-insensitively where the file system does (its core.ignorecase default). */
const IGNORE_CASE = process.platform === 'win32' || process.platform === 'darwin';

/** .NET projects put build output in bin/ and obj/ beside the project file; elsewhere bin/ often holds scripts. */
const DOTNET_PROJECT_FILE = /\.(cs|fs|vb)proj$/i;
const DOTNET_OUTPUT_DIRS = new Set(['bin', 'obj']);

/** The built-in excludes followed by the user's, so the user's negations can undo a default. */
export function createExcludeRules(userExcludes: readonly string[] = []): Ignore {
  return ignore({ ignorecase: IGNORE_CASE }).add(DEFAULT_EXCLUDES).add(userExcludes);
}

/** Matches the include whitelist, or undefined when every file is welcome. */
export function createIncludeRules(includes: readonly string[] | undefined): Ignore | undefined {
  return includes && includes.length > 0 ? ignore({ ignorecase: IGNORE_CASE }).add(includes) : undefined;
}

export function emptyRules(): Ignore {
  return ignore({ ignorecase: IGNORE_CASE });
}

/**
 * The rules that apply inside `dirRel`: the parent's plus this folder's ignore files, rewritten to be
 * relative to the root. One matcher per folder (rather than one per ignore file, consulted in turn)
 * keeps git's rule that a deeper negation can re-include what a shallower pattern excluded, because
 * the `ignore` package decides a path and its parent folders against all the rules together.
 */
export function withFolderRules(parent: Ignore, dirRel: string, fileContents: readonly string[]): Ignore {
  const patterns = fileContents.flatMap((content) => scopePatterns(content, dirRel));
  return patterns.length === 0 ? parent : ignore({ ignorecase: IGNORE_CASE }).add(parent).add(patterns);
}

/**
 * Rewrites the lines of an ignore file in `dirRel` so they match root-relative paths the way git
 * scopes them: a pattern with a slash before its end is anchored to the file's folder, any other
 * matches at any depth below it.
 */
export function scopePatterns(content: string, dirRel: string): string[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const patterns: string[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (dirRel === '') {
      patterns.push(line);
      continue;
    }
    const negated = line.startsWith('!');
    const body = negated ? line.slice(1) : line;
    if (body.trim() === '') continue;
    const anchored = body.trimEnd().replace(/\/$/, '').includes('/');
    const scoped = anchored ? `${dirRel}/${body.replace(/^\//, '')}` : `${dirRel}/**/${body}`;
    patterns.push(negated ? `!${scoped}` : scoped);
  }
  return patterns;
}

/** Build output folders that only count as such next to a .NET project file. */
export function isDotnetOutput(dirName: string, siblingNames: readonly string[]): boolean {
  return DOTNET_OUTPUT_DIRS.has(dirName) && siblingNames.some((name) => DOTNET_PROJECT_FILE.test(name));
}

/** A Python virtual environment, whatever it is called (`env/`, `.env/`, `py311/`). */
export function isVirtualEnv(childNames: readonly string[]): boolean {
  return childNames.includes('pyvenv.cfg');
}
