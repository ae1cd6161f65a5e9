import { Ollama } from 'ollama';
import { throwIfCancelled, type RepoSageError } from '../errors';
import { MalformedReplyError, cancelled, describeFailure, timedOut, type FailureContext, type Wait } from './failures';
import type { OllamaTimeouts } from './types';

/** How long a reply may take: a plain reply, or an answer that waits for the model and has no limit of its own. */
export type Patience = 'reply' | 'answer';

/**
 * One request to Ollama, with its own ollama-js client: that client's abort() stops every stream
 * of the instance, so instances are never shared between requests. Its fetch carries one signal
 * joining the caller's cancellation and a deadline this class arms, disarms and re-arms, which
 * also covers ollama-js's one-shot calls (they pass no signal of their own). Every request carries
 * the configured headers (a team server's token); they are never part of an error message.
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
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {
    this.signal = callerSignal ? AbortSignal.any([callerSignal, this.deadline.signal]) : this.deadline.signal;
    this.client = new Ollama({ host, fetch: this.fetch });
  }

  /**
   * fetch bound to this call; a signal ollama-js passes (for its own abort) still works too.
   * A streamed reply's lines are checked on the way: ollama-js skips a line that is not JSON.
   */
  readonly fetch: typeof fetch = async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, this.signal]) : this.signal;
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(this.headers)) headers.set(name, value);
    const response = await fetch(input, { ...init, headers, signal });
    return checkedLines(response);
  };

  /**
   * A one-shot request. A 'reply' (version, models, blobs) must come whole within the reply deadline:
   * a server that accepts the connection and says nothing is reported within seconds. An 'answer'
   * waits for the model to load and read the prompt, as long as that takes, until cancelled.
   */
  async run<T>(
    work: () => Promise<T>,
    context: Omit<FailureContext, 'host'>,
    patience: Patience = 'reply',
  ): Promise<T> {
    throwIfCancelled(this.callerSignal);
    if (patience === 'reply') this.expect('reply');
    try {
      return await this.untilAborted(work());
    } catch (error) {
      throw this.failure(error, context);
    } finally {
      this.finish();
    }
  }

  /**
   * A streamed request, line by line. The first line comes when the model has loaded and read the
   * prompt, which has no limit (a 7B model on a busy CPU can take minutes); after it, each next line
   * must come within the stall deadline. Time the reader spends between lines does not count.
   * A reader that stops early closes the connection, so Ollama stops generating.
   */
  async *lines<T>(open: () => Promise<AsyncIterable<T>>, context: Omit<FailureContext, 'host'>): AsyncGenerator<T> {
    throwIfCancelled(this.callerSignal);
    try {
      const lines = (await this.untilAborted(open()))[Symbol.asyncIterator]();
      while (true) {
        const next = await this.untilAborted(lines.next());
        if (next.done) return;
        this.pause();
        yield next.value;
        this.expect('stall');
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
    const ms = wait === 'reply' ? this.timeouts.replyMs : this.timeouts.stallMs;
    if (!(ms > 0)) return;
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
    if (this.expired) return timedOut(this.expired.wait, this.expired.ms, this.host);
    if (this.callerSignal?.aborted) return cancelled();
    return describeFailure(error, { host: this.host, ...context });
  }
}

/**
 * The response, with its NDJSON body checked line by line: a line that is not JSON ends the stream
 * with an error, where ollama-js would skip it with a console warning and the answer would lose text.
 */
function checkedLines(response: Response): Response {
  if (!response.body || !response.headers.get('content-type')?.includes('application/x-ndjson')) return response;
  const decoder = new TextDecoder();
  let pending = '';
  const check = (line: string) => {
    if (line.trim() === '') return;
    try {
      JSON.parse(line);
    } catch {
      throw new MalformedReplyError(line);
    }
  };
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(check);
        controller.enqueue(chunk);
      },
      flush() {
        check(pending + decoder.decode());
      },
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
