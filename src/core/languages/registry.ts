import path from 'node:path';

// What RepoSage knows of each language, in one place: how files are recognised, which tree-sitter
// grammar parses them, their comment syntax and where their documentation is written. Chunking, the
// golden-set bootstrap, the style dataset and completion read it from here. The node types the
// grammars share (declarations, names, imports) are in ./node-types.ts.

/** One language. Ids are VS Code's language ids, so the extension can use them as they are. */
interface LanguageSpec {
  id: string;
  /** Lower-case extensions (with the dot) and whole file names. */
  matches: string[];
  /** tree-sitter-<grammar>.wasm in @vscode/tree-sitter-wasm (see GRAMMARS); without one the file is split as text. */
  grammar?: string;
  /** Line comment that starts the chunk header, so the header reads as a comment in the code. */
  comment?: string;
  /** Split at headings first. */
  markdown?: boolean;
  /** Parsed, but styles or configuration rather than program code. */
  notProgram?: true;
}

const LANGUAGES: LanguageSpec[] = [
  // Languages with a grammar: chunked by declaration.
  { id: 'typescript', matches: ['.ts', '.mts', '.cts'], grammar: 'typescript', comment: '//' },
  { id: 'typescriptreact', matches: ['.tsx'], grammar: 'tsx', comment: '//' },
  { id: 'javascript', matches: ['.js', '.mjs', '.cjs'], grammar: 'javascript', comment: '//' },
  { id: 'javascriptreact', matches: ['.jsx'], grammar: 'javascript', comment: '//' },
  { id: 'python', matches: ['.py', '.pyi', '.pyw'], grammar: 'python', comment: '#' },
  { id: 'go', matches: ['.go'], grammar: 'go', comment: '//' },
  { id: 'rust', matches: ['.rs'], grammar: 'rust', comment: '//' },
  { id: 'java', matches: ['.java'], grammar: 'java', comment: '//' },
  { id: 'csharp', matches: ['.cs'], grammar: 'c-sharp', comment: '//' },
  // The C++ grammar reads C as well; no C grammar ships with @vscode/tree-sitter-wasm.
  { id: 'c', matches: ['.c', '.h'], grammar: 'cpp', comment: '//' },
  {
    id: 'cpp',
    matches: ['.cpp', '.cc', '.cxx', '.c++', '.hpp', '.hh', '.hxx', '.h++', '.ipp', '.inl'],
    grammar: 'cpp',
    comment: '//',
  },
  { id: 'php', matches: ['.php', '.phtml'], grammar: 'php', comment: '//' },
  { id: 'powershell', matches: ['.ps1', '.psm1', '.psd1'], grammar: 'powershell', comment: '#' },
  { id: 'ruby', matches: ['.rb', '.rake', '.gemspec', 'rakefile', 'gemfile'], grammar: 'ruby', comment: '#' },
  {
    id: 'shellscript',
    matches: ['.sh', '.bash', '.zsh', '.ksh', '.bashrc', '.bash_profile', '.zshrc'],
    grammar: 'bash',
    comment: '#',
  },
  { id: 'css', matches: ['.css'], grammar: 'css', comment: '//', notProgram: true },
  {
    id: 'ini',
    matches: ['.ini', '.cfg', '.editorconfig', '.gitconfig'],
    grammar: 'ini',
    comment: '#',
    notProgram: true,
  },

  // Code without a grammar here: split as text, with a header in its own comment syntax.
  { id: 'scss', matches: ['.scss'], comment: '//' },
  { id: 'less', matches: ['.less'], comment: '//' },
  { id: 'kotlin', matches: ['.kt', '.kts'], comment: '//' },
  { id: 'swift', matches: ['.swift'], comment: '//' },
  { id: 'scala', matches: ['.scala', '.sc'], comment: '//' },
  { id: 'dart', matches: ['.dart'], comment: '//' },
  { id: 'groovy', matches: ['.groovy', '.gradle'], comment: '//' },
  { id: 'objective-c', matches: ['.m', '.mm'], comment: '//' },
  { id: 'fsharp', matches: ['.fs', '.fsi', '.fsx'], comment: '//' },
  { id: 'proto', matches: ['.proto'], comment: '//' },
  { id: 'vue', matches: ['.vue'] },
  { id: 'svelte', matches: ['.svelte'] },
  { id: 'sql', matches: ['.sql'], comment: '--' },
  { id: 'lua', matches: ['.lua'], comment: '--' },
  { id: 'haskell', matches: ['.hs'], comment: '--' },
  { id: 'perl', matches: ['.pl', '.pm'], comment: '#' },
  { id: 'r', matches: ['.r'], comment: '#' },
  { id: 'elixir', matches: ['.ex', '.exs'], comment: '#' },
  { id: 'graphql', matches: ['.graphql', '.gql'], comment: '#' },
  { id: 'terraform', matches: ['.tf', '.tfvars'], comment: '#' },
  { id: 'dockerfile', matches: ['dockerfile', '.dockerfile', 'containerfile'], comment: '#' },
  { id: 'makefile', matches: ['makefile', 'gnumakefile', '.mk'], comment: '#' },
  { id: 'cmake', matches: ['cmakelists.txt', '.cmake'], comment: '#' },
  { id: 'yaml', matches: ['.yml', '.yaml'], comment: '#' },
  { id: 'toml', matches: ['.toml'], comment: '#' },
  { id: 'properties', matches: ['.properties'], comment: '#' },
  { id: 'bat', matches: ['.bat', '.cmd'], comment: 'REM' },

  // Prose and data.
  { id: 'markdown', matches: ['.md', '.markdown', '.mdx'], markdown: true },
  { id: 'plaintext', matches: ['.txt', '.text'] },
  { id: 'restructuredtext', matches: ['.rst'] },
  { id: 'asciidoc', matches: ['.adoc', '.asciidoc'] },
  { id: 'json', matches: ['.json', '.json5', '.webmanifest'] },
  { id: 'jsonc', matches: ['.jsonc'] },
  { id: 'html', matches: ['.html', '.htm', '.xhtml'] },
  { id: 'xml', matches: ['.xml', '.xsd', '.xsl', '.plist', '.csproj', '.props'] },
  { id: 'csv', matches: ['.csv', '.tsv'] },
];

/** What a definition documented in the code is, for the golden-set bootstrap and the style dataset. */
export type DocumentedKind = 'function' | 'class';

/**
 * Where a grammar's definitions carry their documentation: `docstring`, a string first in the body
 * (Python); `marked-comment`, a comment right above that opens with `/**` or `///`; `comment`, any
 * comment right above.
 */
export type DocStyle = 'docstring' | 'marked-comment' | 'comment';

/** What is known of one grammar beyond parsing with it. */
interface GrammarSpec {
  /** Node types of the definitions whose documentation is read, and what each defines. */
  documented?: Readonly<Record<string, DocumentedKind>>;
  docs?: DocStyle;
  /** The name Markdown code fences use for the language, where it is not the grammar's name. */
  fence?: string;
}

const JAVASCRIPT_DOCUMENTED: Record<string, DocumentedKind> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  method_definition: 'function',
  variable_declarator: 'function',
  class_declaration: 'class',
};
const TYPESCRIPT_DOCUMENTED: Record<string, DocumentedKind> = {
  ...JAVASCRIPT_DOCUMENTED,
  function_signature: 'function',
  method_signature: 'function',
  abstract_method_signature: 'function',
  abstract_class_declaration: 'class',
  interface_declaration: 'class',
};

/** Java and C# name their definitions alike. */
const CLASS_BASED_DOCUMENTED: Record<string, DocumentedKind> = {
  method_declaration: 'function',
  constructor_declaration: 'function',
  class_declaration: 'class',
  interface_declaration: 'class',
};

/** Keyed by grammar name (tree-sitter-<name>.wasm). Grammars not listed are only parsed and chunked. */
const GRAMMARS: Readonly<Record<string, GrammarSpec>> = {
  python: { documented: { function_definition: 'function', class_definition: 'class' }, docs: 'docstring' },
  javascript: { documented: JAVASCRIPT_DOCUMENTED, docs: 'marked-comment' },
  typescript: { documented: TYPESCRIPT_DOCUMENTED, docs: 'marked-comment' },
  tsx: { documented: TYPESCRIPT_DOCUMENTED, docs: 'marked-comment' },
  go: {
    documented: { function_declaration: 'function', method_declaration: 'function', type_spec: 'class' },
    docs: 'comment',
  },
  rust: {
    documented: { function_item: 'function', struct_item: 'class', enum_item: 'class', trait_item: 'class' },
    docs: 'marked-comment',
  },
  java: { documented: CLASS_BASED_DOCUMENTED, docs: 'marked-comment' },
  'c-sharp': { documented: CLASS_BASED_DOCUMENTED, docs: 'marked-comment', fence: 'csharp' },
  ruby: {
    documented: { method: 'function', singleton_method: 'function', class: 'class', module: 'class' },
    docs: 'comment',
  },
};

/** What an unknown file is chunked as. */
export const PLAIN_TEXT = 'plaintext';

const BY_MATCH = new Map(LANGUAGES.flatMap((spec) => spec.matches.map((match) => [match, spec] as const)));
const BY_ID = new Map(LANGUAGES.map((spec) => [spec.id, spec]));

/** The VS Code language id for a file, from its name or extension; undefined for unknown files. */
export function languageForPath(filePath: string): string | undefined {
  const name = path.posix.basename(filePath.replace(/\\/g, '/')).toLowerCase();
  return (BY_MATCH.get(name) ?? BY_MATCH.get(path.posix.extname(name)))?.id;
}

/** Every grammar some language is chunked with: the wasm files a package must ship. */
export function grammarsInUse(): string[] {
  return [...new Set(LANGUAGES.flatMap((language) => (language.grammar ? [language.grammar] : [])))];
}

/** Program code parsed by declaration: not prose, data, configuration or styles. */
export function isProgram(languageId: string): boolean {
  const spec = BY_ID.get(languageId);
  return spec?.grammar !== undefined && !spec.notProgram;
}

/** The tree-sitter grammar that parses a language, if one ships. */
export function grammarFor(languageId: string): string | undefined {
  return BY_ID.get(languageId)?.grammar;
}

export function isMarkdown(languageId: string): boolean {
  return BY_ID.get(languageId)?.markdown === true;
}

/** The line-comment marker chunk headers start with; undefined where the format has none. */
export function commentFor(languageId: string): string | undefined {
  return BY_ID.get(languageId)?.comment;
}

/** The documented definitions a grammar's trees are searched for; undefined where documentation is not read. */
export function documentedDefinitions(grammar: string): Readonly<Record<string, DocumentedKind>> | undefined {
  return GRAMMARS[grammar]?.documented;
}

/** Where the grammar's definitions carry their documentation; undefined where documentation is not read. */
export function docStyle(grammar: string): DocStyle | undefined {
  return GRAMMARS[grammar]?.docs;
}

/** The language name for a Markdown code fence around code of this grammar. */
export function fenceFor(grammar: string): string {
  return GRAMMARS[grammar]?.fence ?? grammar;
}
