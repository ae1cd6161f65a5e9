/** Where a piece of repository context came from. */
export type ContextSource = 'definition' | 'similar' | 'recent';

/** A piece of code put in front of the prompt, and where it came from. */
export interface ContextItem {
  /** Workspace-relative, POSIX separators. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  source: ContextSource;
  text: string;
}

/** The file being edited and where the cursor is. */
export interface CompletionRequest {
  /** Workspace-relative, POSIX separators: the cache key and the path comment the model reads. */
  path: string;
  /** The whole current text of the file, unsaved edits included. */
  text: string;
  /** Cursor position as a character offset into `text`. */
  offset: number;
}

/** single: complete the current line. multi: fill an empty block body. */
export type CompletionMode = 'single' | 'multi';

export interface CompletionResult {
  /** The text to insert at the cursor; empty when there is nothing new to suggest. */
  completion: string;
  mode: CompletionMode;
  /** The model saw the code after the cursor (fill-in-the-middle); false: the text before it only. */
  fim: boolean;
  context: ContextItem[];
  /** Estimated tokens of the prompt as sent (prefix with context, and suffix). */
  promptTokens: number;
  timings: { contextMs: number; modelMs: number };
  /** Served from the cache without asking the model. */
  cached: boolean;
}

/** A change the user made recently, fed by the editor so the model sees work in progress. */
export interface RecentEdit {
  path: string;
  /** 1-based, inclusive: the lines as they are now. */
  startLine: number;
  endLine: number;
  text: string;
}
