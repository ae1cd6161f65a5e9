import path from 'node:path';

/** How one language is chunked. Ids are VS Code's language ids, so the extension can use them as they are. */
interface LanguageSpec {
  id: string;
  /** Lower-case extensions (with the dot) and whole file names. */
  matches: string[];
  /** tree-sitter-<grammar>.wasm in @vscode/tree-sitter-wasm; without one the text splitter chunks the file. */
  grammar?: string;
  /** Line comment that starts the chunk header, so the header reads as a comment in the code. */
  comment?: string;
  /** Split at headings first. */
  markdown?: boolean;
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
  { id: 'css', matches: ['.css'], grammar: 'css', comment: '//' },
  { id: 'ini', matches: ['.ini', '.cfg', '.editorconfig', '.gitconfig'], grammar: 'ini', comment: '#' },

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

/** What an unknown file is chunked as. */
export const PLAIN_TEXT = 'plaintext';

const BY_MATCH = new Map(LANGUAGES.flatMap((spec) => spec.matches.map((match) => [match, spec] as const)));
const BY_ID = new Map(LANGUAGES.map((spec) => [spec.id, spec]));

/** The VS Code language id for a file, from its name or extension; undefined for unknown files. */
export function languageForPath(filePath: string): string | undefined {
  const name = path.posix.basename(filePath.replace(/\\/g, '/')).toLowerCase();
  return (BY_MATCH.get(name) ?? BY_MATCH.get(path.posix.extname(name)))?.id;
}

/** The tree-sitter grammar that parses a language, if one ships. */
/** Every grammar some language is chunked with: the wasm files a package must ship. */
export function grammarsInUse(): string[] {
  return [...new Set(LANGUAGES.flatMap((language) => (language.grammar ? [language.grammar] : [])))];
}

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
