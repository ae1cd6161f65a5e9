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
  | 'OLLAMA_NO_COMPLETION'
  | 'OLLAMA_ERROR'
  | 'OLLAMA_AUTH'
  | 'OLLAMA_BAD_REPLY'
  | 'ADAPTER_MISMATCH'
  | 'ADAPTER_UNSUPPORTED'
  | 'INVALID_INPUT'
  | 'INSTALL_INCOMPLETE';

/**
 * What a user can change to fix an error. A hint names one as `{setting:ollamaHost}`, and each shell
 * words it in its own terms: a VS Code setting in the extension, a flag in the CLI.
 */
export type Knob = 'ollamaHost' | 'model' | 'completionModel' | 'modelsDir';

export type KnobWording = Record<Knob, string>;

/** The default wording: the VS Code settings (the extension's words; other shells pass theirs). */
export const SETTING_WORDING: KnobWording = {
  ollamaHost: 'reposage.ollamaHost',
  model: "RepoSage's model settings",
  completionModel: 'reposage.completionModel',
  modelsDir: 'reposage.modelsDir',
};

const KNOB = /\{setting:(\w+)\}/g;

export class RepoSageError extends Error {
  /** The hint as written, with `{setting:…}` placeholders; `hint` has them in the settings' words. */
  readonly hintTemplate?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** One sentence on what the user can do about it; it may name a {@link Knob} as `{setting:name}`. */
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RepoSageError';
    this.hintTemplate = hint;
  }

  get hint(): string | undefined {
    return this.hintIn(SETTING_WORDING);
  }

  /** The hint in one shell's words. */
  hintIn(wording: KnobWording): string | undefined {
    return this.hintTemplate?.replace(KNOB, (whole, knob: string) => wording[knob as Knob] ?? whole);
  }

  /** Message and hint in one line, for a terminal or a notification. */
  describe(wording: KnobWording = SETTING_WORDING): string {
    const hint = this.hintIn(wording);
    return hint ? `${this.message} ${hint}` : this.message;
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
