import { type ErrorCode, RepoSageError, isCancellation } from '../../core/errors';

/** Why inline suggestions are failing, as the status bar shows it. */
export interface CompletionProblem {
  error: unknown;
  code: ErrorCode | undefined;
  /** What happened and what to do, in one line. */
  message: string;
  /** Requests wait until then (milliseconds since the epoch) instead of failing again on every keystroke. */
  retryAt: number;
}

/**
 * How long to stop asking after each kind of failure. A model that cannot fill in the middle (or
 * write text at all) stays unable until a setting changes (which clears the problem); a server being
 * started or a model being pulled in a terminal is worth another try soon.
 */
const RETRY_AFTER_MS: Partial<Record<ErrorCode, number>> = {
  OLLAMA_NO_FIM: Number.POSITIVE_INFINITY,
  OLLAMA_NO_COMPLETION: Number.POSITIVE_INFINITY,
  OLLAMA_UNREACHABLE: 15_000,
  OLLAMA_MODEL_MISSING: 15_000,
};
const DEFAULT_RETRY_AFTER_MS = 30_000;

/**
 * Holds the failure inline completion last hit, so that it is shown once (a failing keystroke after
 * keystroke must not become a storm of notifications) and so that requests pause until a retry is
 * due. `onChange` fires only when there is something new to show: a different problem, or none.
 */
export class ProblemLatch {
  private problem: CompletionProblem | undefined;

  constructor(private readonly onChange: (problem: CompletionProblem | undefined) => void = () => undefined) {}

  current(): CompletionProblem | undefined {
    return this.problem;
  }

  /** Whether a request should not be made now: a problem is held and its retry is not due. */
  holds(now: number): boolean {
    return this.problem !== undefined && now < this.problem.retryAt;
  }

  /**
   * Records a failed request; returns whether it is news (not the problem already shown). Cancellations are no failure.
   */
  fail(error: unknown, now: number): boolean {
    if (isCancellation(error)) return false;
    const code = error instanceof RepoSageError ? error.code : undefined;
    const message =
      error instanceof RepoSageError ? error.describe() : error instanceof Error ? error.message : String(error);
    const retryAt = now + (code ? (RETRY_AFTER_MS[code] ?? DEFAULT_RETRY_AFTER_MS) : DEFAULT_RETRY_AFTER_MS);
    const news = this.problem?.code !== code || this.problem?.message !== message;
    this.problem = { error, code, message, retryAt };
    if (news) this.onChange(this.problem);
    return news;
  }

  /** A request got through, a setting changed or the user asked to retry. Returns whether a problem was dropped. */
  clear(): boolean {
    if (!this.problem) return false;
    this.problem = undefined;
    this.onChange(undefined);
    return true;
  }
}
