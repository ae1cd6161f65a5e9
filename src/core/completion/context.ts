import type { Chunk } from '../chunking/chunk';
import { parseSource } from '../languages/parse';
import { grammarFor } from '../languages/registry';
import { throwIfCancelled } from '../errors';
import type { ContextCache } from './context-cache';
import type { CursorView } from './cursor';
import type { KeywordIndex } from './keyword-index';
import { symbolsNearCursor, type CursorSymbols } from './symbols';
import type { ContextItem, RecentEdit } from './types';

export interface ContextSources {
  /** Undefined when the workspace has no index yet: completion then goes on with the current file alone. */
  index?: KeywordIndex;
  recentEdits: readonly RecentEdit[];
  /** Folder with the tree-sitter grammars, when not in node_modules. */
  wasmDir?: string;
  /** Searches of earlier requests, reused while the user types in the same region. */
  cache?: ContextCache;
}

export interface ContextRequest {
  path: string;
  /** VS Code language id (undefined for an unknown file type); without a grammar, no definitions are found. */
  language: string | undefined;
  text: string;
  view: CursorView;
}

/** Lines around the cursor that make the keyword query for similar code. */
const QUERY_LINES_BEFORE = 10;
const QUERY_LINES_AFTER = 2;
const SIMILAR_LIMIT = 8;
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;
/** The part of a word before the cursor, and after it. */
const WORD_END = /[A-Za-z0-9_$]*$/;
const WORD_START = /^[A-Za-z0-9_$]*/;
/** Keyword hits to scan for chunks that define one of the names. */
const DEFINITION_CANDIDATES = 50;

/**
 * Everything worth showing the model besides the current file, most useful first: definitions of
 * the names the code at the cursor uses, then the user's recent edits, then code that reads like
 * the code around the cursor. The packer keeps what fits.
 */
export async function gatherContext(
  request: ContextRequest,
  sources: ContextSources,
  signal?: AbortSignal,
): Promise<ContextItem[]> {
  const { path, language, text, view } = request;
  const { index, cache } = sources;
  throwIfCancelled(signal);
  // The search for similar code runs in LanceDB's threads while this one parses the file.
  const similarSearch = index ? similarInIndex(index, view, path, cache) : Promise.resolve([]);
  const definitionSearch = symbolsOfFile(language, text, view, sources.wasmDir).then(async (symbols) => {
    // A newer keystroke replaced this request while the file was parsed: no search for it.
    throwIfCancelled(signal);
    return { symbols, indexed: index ? await definitionsInIndex(index, symbols, view, path, cache) : [] };
  });
  // Settled either way, so a cancelled request leaves no unhandled rejection behind.
  similarSearch.catch(() => undefined);
  const [{ symbols, indexed }, similar] = await Promise.all([definitionSearch, similarSearch]);
  throwIfCancelled(signal);
  // Nearest name first; the file's own definition of a name wins over a same-named one elsewhere.
  const definitions = symbols.names.flatMap((name) => {
    const local = symbols.definitions.filter((definition) => definition.name === name);
    if (local.length > 0)
      return local.map(({ startLine, endLine, text: code }) => ({ path, startLine, endLine, text: code }));
    return indexed
      .filter((chunk) => definesName(chunk, name))
      .slice(0, 1)
      .map(codeOf);
  });
  return [
    ...definitions.map((item) => ({ ...item, source: 'definition' as const })),
    ...sources.recentEdits.map((edit) => ({ ...edit, source: 'recent' as const })),
    ...similar.map((chunk) => ({ ...codeOf(chunk), source: 'similar' as const })),
  ];
}

/** A parse longer than this is given up: the completion goes on without definitions. */
const PARSE_TIMEOUT_MS = 50;

async function symbolsOfFile(
  language: string | undefined,
  text: string,
  view: CursorView,
  wasmDir: string | undefined,
): Promise<CursorSymbols> {
  const grammar = language && grammarFor(language);
  const parsed = grammar ? await parseSource(text, grammar, { wasmDir, timeoutMs: PARSE_TIMEOUT_MS }) : undefined;
  if (!parsed || 'failed' in parsed) return { names: [], definitions: [] };
  try {
    return symbolsNearCursor(parsed.tree, text, view.line);
  } finally {
    parsed.tree.delete();
  }
}

/**
 * Chunks in other files that define one of the names: one keyword search for all the names (with a
 * cache, for those it has not seen), kept where the chunk's symbol is the name. The current file is
 * left out: its live text is newer than the index, and its own definitions come from the syntax tree.
 */
async function definitionsInIndex(
  index: KeywordIndex,
  symbols: CursorSymbols,
  view: CursorView,
  path: string,
  cache: ContextCache | undefined,
): Promise<Chunk[]> {
  // The word the cursor is in is being typed: half a name defines nothing, and searching for it
  // would cost a search per keystroke. It is looked up once the cursor has left it (`(`, `.`, space).
  const typing = `${WORD_END.exec(view.linePrefix)?.[0] ?? ''}${WORD_START.exec(view.lineSuffix)?.[0] ?? ''}`;
  const wanted = symbols.names.filter(
    (name) => name !== typing && !symbols.definitions.some((definition) => definition.name === name),
  );
  if (wanted.length === 0) return [];
  // One keyword search for all the names, kept where the chunk's symbol is the name.
  const search = async (names: string[]) => {
    const hits = (await index.searchKeywords(names.join(' '), DEFINITION_CANDIDATES)).map(({ chunk }) => chunk);
    return new Map(names.map((name) => [name, hits.filter((chunk) => definesName(chunk, name))]));
  };
  const found = cache
    ? await cache.definitionsOf(wanted, search)
    : [...new Set([...(await search(wanted)).values()].flat())];
  return found.filter((chunk) => chunk.path !== path);
}

/** Chunks of other files that share the most words with the lines around the cursor. */
async function similarInIndex(
  index: KeywordIndex,
  view: CursorView,
  path: string,
  cache: ContextCache | undefined,
): Promise<Chunk[]> {
  const before = view.prefix.split('\n').slice(-QUERY_LINES_BEFORE).join('\n');
  const after = view.suffix
    .split('\n')
    .slice(0, QUERY_LINES_AFTER + 1)
    .join('\n');
  // Each distinct word once: a query's cost grows with its terms, and repeats add little to BM25.
  const words = new Set(`${before}${after}`.match(IDENTIFIER));
  const search = async () =>
    (await index.searchKeywords([...words].join(' '), SIMILAR_LIMIT + 4))
      .map(({ chunk }) => chunk)
      .filter((chunk) => chunk.path !== path)
      .slice(0, SIMILAR_LIMIT);
  return cache ? cache.similarCode(path, view.line, words, search) : search();
}

/** A chunk's symbol names its declarations, qualified for members (`Class.method`), listed when merged (`a, b`). */
function definesName(chunk: Chunk, name: string): boolean {
  return (chunk.symbol ?? '').split(', ').some((symbol) => symbol === name || symbol.endsWith(`.${name}`));
}

/** The chunk's code without the header the chunker puts above it (path, enclosing declaration). */
function codeOf(chunk: Chunk): Omit<ContextItem, 'source'> {
  // The code is one text line per source line, so it is the chunk's last endLine - startLine + 1 lines.
  const code = chunk.text
    .split('\n')
    .slice(-(chunk.endLine - chunk.startLine + 1))
    .join('\n');
  return { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, text: code };
}
