/** A piece of a file that is embedded, stored and retrieved as one unit. */
export interface Chunk {
  /** Stable across runs: derived from path, symbol and content, not from position alone. */
  id: string;
  /** Workspace-relative, POSIX separators. */
  path: string;
  language: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Declaration name where known (function, class, method, heading). */
  symbol?: string;
  /**
   * Declarations whose names are in this chunk, qualified as symbols are (`Session.send`), found by
   * tree-sitter; absent for text and markdown chunks. How a question naming a symbol finds its definition.
   */
  definitions?: string[];
  /** function | class | method | interface | type | enum | module | section | text | ... */
  kind?: string;
  /** sha256 (hex) of `text`. */
  contentHash: string;
  /** What the embedding model reads: a short header (path, enclosing signature) plus the code itself. */
  text: string;
}

/** Counts tokens the way the embedding model does, so chunks are never silently truncated. */
export interface TokenCounter {
  count(text: string): number;
  /** The most tokens the model reads (all-MiniLM-L6-v2: 256 word pieces, special tokens included). */
  readonly maxTokens: number;
}
