import { Ollama } from 'ollama';
import { throwIfCancelled, type RepoSageError } from '../errors';
import { cancelled, describeFailure, timedOut, type FailureContext, type Wait } from './failures';
import type { OllamaTimeouts } from './types';

/**
 * One request to Ollama, with its own ollama-js client: that client's abort() stops every stream
 * of the instance, so instances are never shared between requests. Its fetch carries one signal
 * joining the caller's cancellation and a deadline that this class keeps re-arming, which also
 * covers ollama-js's one-shot calls (they pass no signal of their own).
 */
export class OllamaCall {
  readonly client: Ollama;
  private readonly signal: AbortSignal;
  private readonly deadline = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private expired: { wait: Wait; ms: number } | undefined;

  constructor(
    private readonly host: string,
    private readonly timeouts: OllamaTimeouts,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.signal = callerSignal ? AbortSignal.any([callerSignal, this.deadline.signal]) : this.deadline.signal;
    this.client = new Ollama({ host, fetch: this.fetch });
  }

  /** fetch bound to this call; a signal ollama-js passes (for its own abort) still works too. */
  readonly fetch: typeof fetch = (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, this.signal]) : this.signal;
    return fetch(input, { ...init, signal });
  };

  /** A one-shot request: its whole reply must come within the first-byte deadline. */
  async run<T>(work: () => Promise<T>, context: Omit<FailureContext, 'host'>): Promise<T> {
    throwIfCancelled(this.callerSignal);
    this.expect('first-byte');
    try {
      return await this.untilAborted(work());
    } catch (error) {
      throw this.failure(error, context);
    } finally {
      this.finish();
    }
  }

  /**
   * A streamed request, line by line: the first line must come within the first-byte deadline,
   * each next one within the idle deadline. Time the reader spends between lines does not count.
   * A reader that stops early closes the connection, so Ollama stops generating.
   */
  async *lines<T>(open: () => Promise<AsyncIterable<T>>, context: Omit<FailureContext, 'host'>): AsyncGenerator<T> {
    throwIfCancelled(this.callerSignal);
    this.expect('first-byte');
    try {
      const lines = (await this.untilAborted(open()))[Symbol.asyncIterator]();
      while (true) {
        const next = await this.untilAborted(lines.next());
        if (next.done) return;
        this.pause();
        yield next.value;
        this.expect('idle');
      }
    } catch (error) {
      throw this.failure(error, context);
    } finally {
      this.finish();
    }
  }

  /**
   * Settles like `promise`, or rejects as soon as the call is aborted. Fetch alone is not enough:
   * in Node's undici, an abort that lands after the body has fully arrived but before it is read
   * leaves the pending read hanging forever (nodejs/undici#4089), and Ollama often sends a short
   * answer faster than the reader takes it.
   */
  private untilAborted<T>(promise: Promise<T>): Promise<T> {
    const { signal } = this;
    // The losing promise may still reject later; that is expected, not an unhandled failure.
    const abandon = () => void promise.catch(() => undefined);
    if (signal.aborted) {
      abandon();
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        abandon();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private expect(wait: Wait): void {
    this.pause();
    const ms = wait === 'first-byte' ? this.timeouts.firstByteMs : this.timeouts.idleMs;
    this.timer = setTimeout(() => {
      this.expired = { wait, ms };
      this.deadline.abort();
    }, ms);
  }

  private pause(): void {
    clearTimeout(this.timer);
  }

  /** Drops whatever is still open of the reply; harmless once it is complete. */
  private finish(): void {
    this.pause();
    this.deadline.abort();
  }

  private failure(error: unknown, context: Omit<FailureContext, 'host'>): RepoSageError {
    if (this.expired) return timedOut(this.expired.wait, this.expired.ms);
    if (this.callerSignal?.aborted) return cancelled();
    return describeFailure(error, { host: this.host, ...context });
  }
}
