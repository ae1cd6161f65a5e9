import { isProgram, languageForPath } from '../languages/registry';

/** Words a fix commit's message uses (subject, body, or the branch name of a merge): git's coarse filter. */
export const FIX_WORDS = 'fix|bug|crash|error|incorrect|wrong|broken|regression|panic|fail|exception|problem|issue';
/** The fine one: `fix` and `bug` as words (not "prefix", "debug"), the rest also inside names such as TypeError. */
const FIX_PATTERN = /\b(fix|bug)|crash|error|incorrect|wrong|broken|regression|panic|fail|exception|problem|issue/i;

/** Conventional-commit types that never fix the product's code. */
const NOT_A_FIX = new RegExp(
  String.raw`^(docs?|chore|ci|build|test|tests|style|typo|deps|bump|release|revert)\b|^(bump|release|revert|` +
    'update dependenc|merge branch)',
  'i',
);

/** Lines that carry no issue text: trailers, PR templates, merge headers. */
const NOISE_LINE = [
  /^(signed-off-by|co-authored-by|reviewed-by|acked-by|reported-by|tested-by|suggested-by|pr-url|change-id|cc):/i,
  /^\(cherry picked from/i,
  /^merge (pull request|branch|remote-tracking branch)\b/i,
  /^\s*[-*] \[[ xX]\]/,
  /^#+\s*(checklist|description|types? of changes|motivation and context|how has this been tested)/i,
];

export function isFixMessage(message: string): boolean {
  const subject = message.split('\n', 1)[0].trim();
  return FIX_PATTERN.test(message) && !NOT_A_FIX.test(subject);
}

/**
 * The issue text a commit message carries, as a question: trailers, PR checklists, HTML comments
 * and merge headers taken out, the rest kept as written (bug reports name code, and so do users).
 */
export function questionFromMessage(messages: readonly string[]): string {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const message of messages) {
    const text = message.replace(/<!--[\s\S]*?-->/g, '');
    for (const raw of text.split('\n')) {
      const line = raw.trimEnd();
      if (NOISE_LINE.some((pattern) => pattern.test(line.trim()))) continue;
      // Squash merges repeat the subject as a bullet; keep each line once.
      const key = line
        .trim()
        .replace(/^[-*]\s+/, '')
        .replace(/\s*\(#\d+\)$/, '')
        .toLowerCase();
      if (key.length > 0 && seen.has(key)) continue;
      if (key.length > 0) seen.add(key);
      kept.push(line);
    }
    kept.push('');
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const TEST_DIR_NAMES = new Set([
  'test',
  'tests',
  '__tests__',
  'spec',
  'specs',
  'testdata',
  'test_data',
  'testing',
  'fixture',
  'fixtures',
  '__fixtures__',
  '__mocks__',
  'benches',
  'benchmark',
  'benchmarks',
  'e2e',
]);

/** A test, fixture or benchmark file, by the conventions of the common languages' tools. */
export function isTestPath(filePath: string): boolean {
  const parts = filePath.toLowerCase().split('/');
  const name = parts[parts.length - 1];
  if (parts.slice(0, -1).some((dir) => TEST_DIR_NAMES.has(dir))) return true;
  return /^(test_.*|.*_test\.[a-z]+|.*\.(test|spec)\.[a-z]+|conftest\.py|.*_spec\.rb|.*tests?\.rs)$/.test(name);
}

/** Code a fix lands in: a language chunked by declaration (not docs, data, configuration or styles). */
export function isSourcePath(filePath: string): boolean {
  const language = languageForPath(filePath);
  return language !== undefined && isProgram(language);
}
