import { RepoSageError } from '../errors';

export interface FailureContext {
  host: string;
  /** What was asked, to complete "Ollama could not …", e.g. "pull llama3.2". */
  action: string;
  /** The model that must exist for the request (for a create, its base model). */
  model?: string;
}

export type Wait = 'first-byte' | 'idle';

/** Errors from connecting that mean no server is listening at the host. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The RepoSageError for a failed request, from what ollama-js and fetch throw: network errors
 * (their code sits in the `cause` chain), ollama-js's ResponseError (HTTP status and the server's
 * `error` text), and plain Errors for an `error` line or a missing final line in a stream.
 */
export function describeFailure(error: unknown, context: FailureContext): RepoSageError {
  if (error instanceof RepoSageError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  const status = httpStatus(error);
  // Ollama answers 404 with "model '…' not found"; a plain "404 page not found" is an old server.
  if (status === 404 && context.model && !/page not found/i.test(detail)) {
    return modelMissing(context.model, options);
  }
  if (/does not support insert/i.test(detail)) {
    return new RepoSageError(
      'OLLAMA_NO_FIM',
      `${context.model ? `The model ${context.model}` : 'This model'} cannot complete code between a prefix and a suffix (fill-in-the-middle).`,
      'Choose a code model with fill-in-the-middle support, such as qwen2.5-coder:1.5b-base, as {setting:completionModel}.',
      options,
    );
  }
  if (status === undefined) {
    const code = networkCode(error);
    if (code && UNREACHABLE_CODES.has(code)) return unreachable(context.host, options);
    // A socket closed mid-reply (undici says "terminated"), or a stream without its final line.
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || detail === 'terminated' || /did not receive done/i.test(detail)) {
      return new RepoSageError(
        'OLLAMA_RESPONSE_CUT',
        'Ollama ended its reply before finishing it.',
        'The Ollama server may have crashed or run out of memory: check its log, then try again.',
        options,
      );
    }
  }
  const what = status ? `${detail} (HTTP ${status})` : detail;
  return new RepoSageError(
    'OLLAMA_ERROR',
    `Ollama could not ${context.action}: ${what}`,
    'The Ollama server log has the details.',
    options,
  );
}

function unreachable(host: string, options?: { cause?: unknown }): RepoSageError {
  return new RepoSageError(
    'OLLAMA_UNREACHABLE',
    `Cannot connect to Ollama at ${host}.`,
    `Start Ollama with \`ollama serve\` or open the Ollama app; RepoSage is looking at ${host} ({setting:ollamaHost} or OLLAMA_HOST).`,
    options,
  );
}

function modelMissing(model: string, options?: { cause?: unknown }): RepoSageError {
  return new RepoSageError(
    'OLLAMA_MODEL_MISSING',
    `The model ${model} is not installed in Ollama.`,
    `Download it with \`ollama pull ${model}\`, or choose another model in {setting:model}.`,
    options,
  );
}

export function timedOut(wait: Wait, ms: number): RepoSageError {
  const seconds = `${ms / 1000} s`;
  return wait === 'first-byte'
    ? new RepoSageError(
        'OLLAMA_TIMEOUT',
        `Ollama did not start answering within ${seconds}.`,
        'The model may still be loading or the machine is busy: try again, or choose a smaller model.',
      )
    : new RepoSageError(
        'OLLAMA_TIMEOUT',
        `Ollama stopped sending its answer for ${seconds}.`,
        'Try again; if it keeps happening, check `ollama ps` and the Ollama server log.',
      );
}

/** A non-2xx reply read with plain fetch, shaped like ollama-js's ResponseError so both map alike. */
export async function responseFailure(response: Response): Promise<Error> {
  const body = await response.text().catch(() => '');
  let message = body.trim() || response.statusText;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  return Object.assign(new Error(message), { status_code: response.status });
}

export function cancelled(): RepoSageError {
  return new RepoSageError('CANCELLED', 'The operation was cancelled.');
}

/** The status of ollama-js's ResponseError (a class it does not export). */
function httpStatus(error: unknown): number | undefined {
  const status = (error as { status_code?: unknown } | null)?.status_code;
  return typeof status === 'number' ? status : undefined;
}

/** The first `code` along the `cause` chain, looking into AggregateErrors (one per address tried). */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  for (const inner of Array.isArray(errors) ? errors : []) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return networkCode(cause, depth + 1);
}
