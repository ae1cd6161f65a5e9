import path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

/** Where @vscode/tree-sitter-wasm keeps its grammars when nothing else was said. */
export function defaultWasmDir(): string {
  return path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
}

let runtime: Promise<void> | undefined;
/** Keyed by wasm file: a grammar is compiled once per process, on first use. */
const parsers = new Map<string, Promise<Parser>>();

/**
 * A parser for one grammar. Parsers are reused: parsing is synchronous, so two files never
 * share one at the same time. A grammar that fails to load is not cached, so a later call retries.
 */
function parserFor(grammar: string, wasmDir: string): Promise<Parser> {
  const file = path.join(wasmDir, `tree-sitter-${grammar}.wasm`);
  let parser = parsers.get(file);
  if (!parser) {
    parser = loadParser(file);
    parsers.set(file, parser);
    parser.catch(() => parsers.delete(file));
  }
  return parser;
}

async function loadParser(file: string): Promise<Parser> {
  runtime ??= Parser.init().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  await runtime;
  const parser = new Parser();
  parser.setLanguage(await Language.load(file));
  return parser;
}

/**
 * Parses source code, or says why it could not: the grammar did not load, or parsing ran past
 * the time limit (a pathological file must not stall indexing). The caller deletes the tree.
 */
export async function parseSource(
  text: string,
  grammar: string,
  options: { wasmDir?: string; timeoutMs: number },
): Promise<{ tree: Tree } | { failed: string }> {
  let parser: Parser;
  try {
    parser = await parserFor(grammar, options.wasmDir ?? defaultWasmDir());
  } catch (error) {
    return { failed: `grammar ${grammar} did not load: ${error instanceof Error ? error.message : String(error)}` };
  }
  const deadline = performance.now() + options.timeoutMs;
  // Returning true from the progress callback stops the parse; it then returns null.
  const tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  // A stopped parse would otherwise resume where it left off on the next file.
  parser.reset();
  return tree ? { tree } : { failed: `parsing took longer than ${options.timeoutMs} ms` };
}
