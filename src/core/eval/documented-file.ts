import { parseSource } from '../languages/parse';
import { grammarFor, languageForPath } from '../languages/registry';
import { readTextFile } from '../files';
import { type DocumentedSymbol, documentedSymbols, supportsGrammar } from './documented-symbols';

/** A file that takes longer than this to parse is machine-made, not documented code. */
const PARSE_TIMEOUT_MS = 2_000;

export interface DocumentedFile {
  text: string;
  grammar: string;
  symbols: DocumentedSymbol[];
}

/**
 * The documented symbols of one source file; undefined for a language without them, or a file that cannot be read or
 * parsed.
 */
export async function readDocumentedFile(absolutePath: string, wasmDir?: string): Promise<DocumentedFile | undefined> {
  const language = languageForPath(absolutePath);
  const grammar = language && grammarFor(language);
  if (!grammar || !supportsGrammar(grammar)) return undefined;
  const read = await readTextFile(absolutePath);
  if (!('text' in read)) return undefined;
  const parsed = await parseSource(read.text, grammar, { wasmDir, timeoutMs: PARSE_TIMEOUT_MS });
  if (!('tree' in parsed)) return undefined;
  try {
    return { text: read.text, grammar, symbols: documentedSymbols(parsed.tree.rootNode, grammar) };
  } finally {
    parsed.tree.delete();
  }
}
