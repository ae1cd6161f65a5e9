import { isGeneratedFile, isVendoredPath } from '../files/file-origin';

/**
 * What a question says beyond its words: the names of code it mentions, the files and lines it
 * points at (paths, stack-trace frames), what kind of file it is about, and a short form of a long
 * text for the embedding model, which reads only its first 256 tokens.
 */
export interface QuestionSignals {
  /**
   * Names written as code: `utils.parseaddr`, `Session.send`, `parseAddr`, `parse_addr`, `run()`, frames' functions.
   */
  codeNames: string[];
  /** Other words that could be a definition's name (`parseaddr`); they count only where few chunks define them. */
  plainNames: string[];
  /**
   * Files named in the question, as path tails (`requests/utils.py`, `utils.py`), with lines where a frame gives them.
   */
  files: FileMention[];
  /** Kinds of non-source file the question is about, which are then not demoted. */
  about: Set<FileKind>;
  /** The text the embedding model reads: the question itself, or the condensed form of a long one. */
  denseText: string;
}

export interface FileMention {
  /** The last one or two path segments, `/`-separated. */
  tail: string;
  line?: number;
}

/** What a file is, by its path: source code answers most questions; the rest only when asked about. */
export type FileKind =
  | 'source'
  | 'test'
  | 'docs'
  | 'translation'
  | 'template'
  | 'changelog'
  | 'contributing'
  | 'vendored'
  | 'generated'
  | 'example'
  | 'config';

/** Questions longer than this many characters are condensed for the embedding model. */
const LONG_QUESTION = 600;
/** About what the embedding model reads (256 word pieces, roughly four characters each). */
const CONDENSED_CHARS = 900;

const SOURCE_EXTENSIONS =
  'py|pyi|js|mjs|cjs|jsx|ts|mts|cts|tsx|go|rs|java|kt|scala|rb|php|cs|c|h|cc|cpp|hpp|swift|m|lua|sh|vue|svelte|' +
  'css|scss|html|md|rst|txt|json|ya?ml|toml|ini|cfg';
const PATH = new RegExp(`(?:[\\w.@~-]*[/\\\\])*[\\w@.-]+\\.(?:${SOURCE_EXTENSIONS})\\b`, 'g');
const PYTHON_FRAME = /File "([^"]+)", line (\d+)(?:, in ([\w<>.]+))?/g;
const JS_FRAME = /\bat (?:(?:async )?([\w$.<>]+) )?\(?((?:[A-Za-z]:)?[^\s():]+):(\d+)(?::\d+)?\)?/g;
const FILE_LINE = new RegExp(`((?:[\\w.@~-]+/)*[\\w@.-]+\\.(?:${SOURCE_EXTENSIONS})):(\\d+)`, 'g');
const IDENTIFIER = /`[^`\n]+`|[A-Za-z_$][\w$]*(?:(?:\.|::|#)[A-Za-z_$][\w$]*)*(\(\))?/g;
/** Code in prose: quoted spans, qualified names (`a.b`, `A::b`, `A#b`), snake_case names, paths. */
const CODE_SPANS = /`[^`\n]+`|[A-Za-z_$][\w$]*(?:(?:\.|::|#)[A-Za-z_$][\w$]*)+|[\w$]*_[\w$]+|(?:[\w.@~-]*\/)+[\w@.-]+/g;
const QUALIFIERS_TO_DROP = new Set(['self', 'this', 'cls', 'super']);

/** Words that are never worth looking up as a definition name. */
const STOPWORDS = new Set(
  `about above after again against also because been before being below between both could does doing down during each
  every from further have having here into itself just more most much must only other over same should some such than
  that their them then there these they this those through under until very what when where which while whom with would
  your yours when will shall cannot issue error errors problem problems expected actual behavior behaviour version
  versions using used uses user users like make makes made work works working happen happens thanks please instead
  still even seems something anything nothing code file files line lines value values true false none null undefined
  return returns function class method object string number list dict type types test tests`.split(/\s+/),
);

const ABOUT: Array<[FileKind, RegExp]> = [
  ['test', /\b(tests?|testing|unit ?tests?|pytest|jest|mocha|vitest|spec|specs|fixtures?|test suite|coverage)\b/i],
  ['docs', /\b(docs?|documentation|readme|tutorial|guide|docstrings?|typo|wording|sphinx|mkdocs)\b/i],
  ['translation', /\b(translations?|translated|locales?|i18n|l10n|language files?)\b/i],
  ['template', /\b(issue templates?|pr templates?|pull request templates?|github actions?|workflows?|ci)\b/i],
  ['changelog', /\b(changelog|change log|release notes|changes file|history file)\b/i],
  ['contributing', /\b(contributing|contributors?|code of conduct|governance)\b/i],
  ['example', /\b(examples?|samples?|demos?|benchmarks?)\b/i],
  ['vendored', /\b(vendored|vendor|third[- ]party|bundled)\b/i],
  [
    'config',
    new RegExp(
      String.raw`\b(config(uration)? files?|settings files?|dependenc(y|ies)|packaging|lint(er|ers|ing)?|` +
        String.raw`pre-commit|type ?check(er|ing)?|mypy|ruff|eslint|prettier|docker)\b`,
      'i',
    ),
  ],
];

export function readQuestion(question: string): QuestionSignals {
  const files: FileMention[] = [];
  const codeNames = new Set<string>();
  const addFile = (raw: string, line?: number) => {
    const tail = pathTail(raw);
    if (tail) files.push({ tail, line });
  };
  for (const [, file, line, fn] of question.matchAll(PYTHON_FRAME)) {
    addFile(file, Number(line));
    if (fn && !fn.startsWith('<')) codeNames.add(fn);
  }
  for (const [, fn, file, line] of question.matchAll(JS_FRAME)) {
    if (!/\.[a-z]+$/i.test(file)) continue;
    addFile(file, Number(line));
    if (fn && !fn.startsWith('<')) codeNames.add(fn.replace(/^(?:Object|Function|Module)\./, ''));
  }
  const mentioned = new Set(files.map((file) => file.tail));
  for (const [, file, line] of question.matchAll(FILE_LINE)) {
    const tail = pathTail(file);
    if (tail && !mentioned.has(tail)) {
      mentioned.add(tail);
      files.push({ tail, line: Number(line) });
    }
  }
  for (const [raw] of question.matchAll(PATH)) {
    if (!/[/\\]/.test(raw) && !/^[\w-]+\.[a-z]+$/i.test(raw)) continue;
    const tail = pathTail(raw);
    if (tail && !mentioned.has(tail)) {
      mentioned.add(tail);
      files.push({ tail });
    }
  }

  const plainNames = new Set<string>();
  for (const match of question.matchAll(IDENTIFIER)) {
    const quoted = match[0].startsWith('`');
    const text = quoted ? match[0].slice(1, -1).trim() : match[0];
    for (const { name, qualified } of namesIn(text)) {
      if (isPathLike(name)) continue;
      if (quoted || qualified || match[1] !== undefined || looksLikeCode(name)) codeNames.add(name);
      else if (name.length >= 4 && !STOPWORDS.has(name.toLowerCase())) plainNames.add(name);
    }
  }
  for (const name of codeNames) plainNames.delete(name);

  return {
    codeNames: [...codeNames],
    plainNames: [...plainNames],
    files,
    about: kindsAskedAbout(question),
    denseText: condense(question, [...codeNames]),
  };
}

/**
 * The kinds of non-source file a question asks about, read from the prose of its lead (its first
 * paragraph: the whole of a chat question, the title of an issue or commit). Later paragraphs of a
 * long text describe the change or the report ("add tests", "fixed CHANGES.rst", logs), not what to
 * look for; and names and paths (`click.testing`, `tests/test_x.py`) are code, which the definition
 * and path lists weigh already.
 */
function kindsAskedAbout(question: string): Set<FileKind> {
  const lead = question.trim().split(/\n\s*\n/)[0];
  const prose = lead.replace(CODE_SPANS, ' ');
  return new Set(ABOUT.filter(([, pattern]) => pattern.test(prose)).map(([kind]) => kind));
}

/** Identifier-shaped names in a piece of text; `self.x` is `x`, `Foo#bar` is `Foo.bar`. */
function namesIn(text: string): Array<{ name: string; qualified: boolean }> {
  const names: Array<{ name: string; qualified: boolean }> = [];
  for (const [raw] of text.matchAll(/[A-Za-z_$][\w$]*(?:(?:\.|::|#)[A-Za-z_$][\w$]*)*/g)) {
    const parts = raw.split(/\.|::|#/);
    const qualified = parts.length > 1;
    while (parts.length > 1 && QUALIFIERS_TO_DROP.has(parts[0])) parts.shift();
    if (parts[parts.length - 1].length >= 2) names.push({ name: parts.join('.'), qualified });
  }
  return names;
}

/** snake_case, camelCase, PascalCase with more than one part, dotted names. */
function looksLikeCode(name: string): boolean {
  return (
    name.includes('.') ||
    /[a-z0-9]_[a-z0-9]/i.test(name) ||
    /^_/.test(name) ||
    /[a-z][A-Z]/.test(name) ||
    /^[A-Z][a-z0-9]+[A-Z]/.test(name)
  );
}

function isPathLike(name: string): boolean {
  return new RegExp(`\\.(?:${SOURCE_EXTENSIONS})$`).test(name);
}

/** The last two segments of a path (the last one alone for a bare file name), `/`-separated. */
function pathTail(raw: string): string | undefined {
  const segments = raw
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  if (segments.length === 0) return undefined;
  return segments.slice(-2).join('/');
}

/**
 * A long question (an issue with logs and code) in the few hundred words the embedding model
 * reads: its title, its first paragraph, then the names of code it mentions.
 */
function condense(question: string, codeNames: string[]): string {
  if (question.length <= LONG_QUESTION) return question;
  const paragraphs = question
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '' && !paragraph.startsWith('```'));
  const [title = '', ...rest] = paragraphs;
  const first =
    rest.find((paragraph) => /[a-z]{3,}\s+[a-z]{3,}/i.test(paragraph) && !/^(Traceback|\s*at )/m.test(paragraph)) ?? '';
  const names = codeNames.length > 0 ? `\n${codeNames.join(' ')}` : '';
  const head = `${title}\n${first}`.slice(0, CONDENSED_CHARS - names.length);
  return `${head}${names}`.trim();
}

const TEST_FILE_NAME = new RegExp(
  String.raw`^test_.*\.py$|_tests?\.(py|go|rs)$|\.(test|spec)\.[cm]?[jt]sx?$|(tests?|spec)\.(java|kt|cs|rb)$|` +
    String.raw`^conftest\.py$`,
);

/** Settings, manifests and lock files: no program logic, though full of the project's words. */
const CONFIG_FILE = new RegExp(
  String.raw`\.(ini|cfg|toml|ya?ml|json5?|jsonc|lock|properties|conf|in|editorconfig)$|^(\.[\w.-]+rc|` +
    String.raw`\.gitignore|\.gitattributes|\.npmignore|makefile|dockerfile|go\.(mod|sum))$`,
);

/** The kind of a file by its path. */
export function fileKind(path: string): FileKind {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  // The walker's own notions of copied-in and generated code, plus package-manager and nested-package folders.
  if (
    isVendoredPath(lower) ||
    /(^|\/)(vendor|_vendor|node_modules|bower_components)\//.test(lower) ||
    /.\/packages\//.test(lower)
  ) {
    return 'vendored';
  }
  if (/(^|\/)(locales?|i18n|l10n|translations?|lang)\//.test(lower) || /\.(po|pot|mo|xlf|xliff)$/.test(name))
    return 'translation';
  if (/(^|\/)\.github\//.test(lower) || /(issue|pull_request)_template/.test(name)) return 'template';
  if (
    /^(changelog|changes|history|news|release[-_]?notes|whatsnew)([.-]|$)/.test(name) ||
    /(^|\/)(changelog|changes|releases?|release-notes|whatsnew)\//.test(lower)
  ) {
    return 'changelog';
  }
  if (/^(contributing|code[-_]of[-_]conduct|security|governance|authors|maintainers|support)([.-]|$)/.test(name))
    return 'contributing';
  if (
    /(^|\/)(tests?|__tests__|__mocks__|spec|specs|testing|test[-_]?utils|fixtures?|e2e)\//.test(lower) ||
    TEST_FILE_NAME.test(name)
  ) {
    return 'test';
  }
  if (
    isGeneratedFile(path, '') ||
    /\.min\.(js|css)$|^generated[._-]|\.lock$|-lock\.json$/.test(name) ||
    /(^|\/)(generated|gen)\//.test(lower)
  )
    return 'generated';
  if (
    /(^|\/)(docs?|documentation|site|website|man|guides?)\//.test(lower) ||
    /\.(md|mdx|rst|txt|adoc|asciidoc)$/.test(name) ||
    /^readme([.-]|$)/.test(name)
  ) {
    return 'docs';
  }
  if (/(^|\/)(examples?|samples?|demos?|benchmarks?|bench)\//.test(lower)) return 'example';
  if (CONFIG_FILE.test(name)) return 'config';
  return 'source';
}
