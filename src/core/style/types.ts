/** What an example teaches: write a function, write its doc comment, or write a commit message. */
export type ExampleKind = 'implement' | 'document' | 'commit';

export const EXAMPLE_KINDS: readonly ExampleKind[] = ['implement', 'document', 'commit'];

export type Split = 'train' | 'validation';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One training example: a system, a user and an assistant message, plus where it came from. */
export interface StyleExample {
  kind: ExampleKind;
  /** `path` for function examples, `commit:<hash>` for commit messages. */
  source: string;
  /** Repository files whose code the example shows; a file's code lands in one split only. */
  files: string[];
  /** 1-based line of the function in its file; absent for commits. */
  line?: number;
  messages: [ChatMessage, ChatMessage, ChatMessage];
}

/** Why a candidate example or source file was left out. */
export type DropReason =
  | 'generated'
  | 'minified'
  | 'factual'
  | 'no-summary'
  | 'trivial-message'
  /** A commit that changed only data, configuration, generated, minified or vendored files. */
  | 'no-code'
  | 'too-long'
  | 'duplicate'
  | 'near-duplicate';

export type KindCounts = Record<ExampleKind, number>;
