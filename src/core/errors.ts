/**
 * Errors the user can act on. Each has a stable code (the extension maps codes to actions once)
 * and a message that says what happened and what to do.
 */
export type ErrorCode =
  | 'FILE_UNREADABLE'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_LOAD_FAILED'
  | 'INDEX_MISSING'
  | 'INDEX_CORRUPT'
  | 'INDEX_MISMATCH'
  | 'INDEX_LOCKED'
  | 'INDEX_UNREACHABLE'
  | 'CANCELLED'
  | 'OLLAMA_UNREACHABLE'
  | 'OLLAMA_MODEL_MISSING'
  | 'OLLAMA_TIMEOUT'
  | 'OLLAMA_RESPONSE_CUT'
  | 'OLLAMA_NO_FIM'
  | 'OLLAMA_ERROR'
  | 'OLLAMA_AUTH'
  | 'OLLAMA_BAD_REPLY'
  | 'ADAPTER_MISMATCH'
  | 'ADAPTER_UNSUPPORTED'
  | 'INVALID_INPUT';

export class RepoSageError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** One sentence on what the user can do about it. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RepoSageError';
  }

  /** Message and hint in one line, for a terminal or a notification. */
  describe(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isCancellation(error: unknown): boolean {
  return (
    (error instanceof RepoSageError && error.code === 'CANCELLED') ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/** Throws a CANCELLED error if the signal has fired; call between units of work. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RepoSageError('CANCELLED', 'The operation was cancelled.');
}
