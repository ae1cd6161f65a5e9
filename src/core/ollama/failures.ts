import { RepoSageError } from '../errors';

export interface FailureContext {
  host: string;
  /** What was asked, to complete "Ollama could not …", e.g. "pull llama3.2". */
  action: string;
  /** The model that must exist for the request (for a create, its base model). */
  model?: string;
}

/** What a deadline waited for: a whole reply, or the next line of an answer already streaming. */
export type Wait = 'reply' | 'stall';

/** A line of a streamed reply that is not JSON: the server is not Ollama, or something between garbles it. */
export class MalformedReplyError extends Error {
  constructor(readonly line: string) {
    super(`a reply line is not JSON: ${JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)}`);
  }
}

/** Errors from connecting that mean no server is listening at the host. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Node's codes for a TLS certificate it cannot trust. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

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
  if (status === 401 || status === 403) return notAuthorized(context.host, status, options);
  if (error instanceof MalformedReplyError || error instanceof SyntaxError)
    return badReply(context.host, detail, options);
  if (/does not support insert/i.test(detail)) {
    return new RepoSageError(
      'OLLAMA_NO_FIM',
      `${context.model ? `The model ${context.model}` : 'This model'} cannot complete code between a ` +
        `prefix and a suffix (fill-in-the-middle).`,
      'Choose a code model with fill-in-the-middle support, such as qwen2.5-coder:1.5b-base, as ' +
        '{setting:completionModel}.',
      options,
    );
  }
  // Ollama's words for a model without the completion capability: an embedding model, chosen by mistake.
  const cannot = /does not support (chat|generate)\b/i.exec(detail);
  if (cannot) return noCompletion(context.model, detail, cannot[1].toLowerCase() === 'chat', options);
  if (status === undefined) {
    const code = networkCode(error);
    if (code && UNREACHABLE_CODES.has(code)) return unreachable(context.host, options);
    if (code && CERTIFICATE_CODES.has(code)) return untrustedCertificate(context.host, code, options);
    // fetch refuses some ports outright (9, 25, 6000, …: the "bad ports" of the Fetch standard).
    if (causeMessages(error).includes('bad port')) {
      return new RepoSageError(
        'OLLAMA_UNREACHABLE',
        `Cannot connect to Ollama at ${context.host}: that port is one fetch refuses to use.`,
        `Point RepoSage at Ollama's port, usually 11434 ({setting:ollamaHost} or OLLAMA_HOST).`,
        options,
      );
    }
    // A socket closed mid-reply (undici says "terminated"), or a stream without its final line.
    if (
      code === 'UND_ERR_SOCKET' ||
      code === 'ECONNRESET' ||
      detail === 'terminated' ||
      /did not receive done/i.test(detail)
    ) {
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
    `Start Ollama with \`ollama serve\` or open the Ollama app; RepoSage is looking at ${host} ` +
      `({setting:ollamaHost} or OLLAMA_HOST).`,
    options,
  );
}

function notAuthorized(host: string, status: number, options: { cause?: unknown }): RepoSageError {
  return new RepoSageError(
    'OLLAMA_AUTH',
    `The Ollama server at ${host} refused the request: ${status === 401 ? 'not signed in' : 'not allowed'} ` +
      `(HTTP ${status}).`,
    'Give RepoSage its token: OLLAMA_API_KEY in the environment (sent as a bearer token), or ' +
      'reposage.ollamaHeaders (e.g. {"Authorization": "Bearer …"}) in VS Code.',
    options,
  );
}

function badReply(host: string, detail: string, options: { cause?: unknown }): RepoSageError {
  return new RepoSageError(
    'OLLAMA_BAD_REPLY',
    `The server at ${host} sent a reply RepoSage cannot read (${detail}).`,
    'Check that {setting:ollamaHost} (or OLLAMA_HOST) points at an Ollama server and nothing in between ' +
      'rewrites its replies.',
    options,
  );
}

function untrustedCertificate(host: string, code: string, options: { cause?: unknown }): RepoSageError {
  return new RepoSageError(
    'OLLAMA_UNREACHABLE',
    `Cannot trust the TLS certificate of ${host} (${code}).`,
    'If your team signs its servers with its own certificate authority, set NODE_EXTRA_CA_CERTS to that CA ' +
      'file before starting VS Code or reposage.',
    options,
  );
}

function noCompletion(
  model: string | undefined,
  detail: string,
  chat: boolean,
  options: { cause?: unknown },
): RepoSageError {
  return new RepoSageError(
    'OLLAMA_NO_COMPLETION',
    `${model ? `The model ${model}` : 'This model'} does not write text (Ollama: ${detail}); it is ` +
      `probably an embedding model.`,
    chat
      ? 'Choose a chat model, such as qwen2.5-coder:7b, in {setting:model}.'
      : 'Choose a code model, such as qwen2.5-coder:1.5b-base, in {setting:completionModel}.',
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

export function timedOut(wait: Wait, ms: number, host: string): RepoSageError {
  const seconds = `${Math.round(ms / 100) / 10} s`;
  return wait === 'reply'
    ? new RepoSageError(
        'OLLAMA_TIMEOUT',
        `Ollama at ${host} accepted the connection but did not reply within ${seconds}.`,
        'The server seems stuck: restart it (`ollama serve`), and check that {setting:ollamaHost} (or ' +
          'OLLAMA_HOST) points at Ollama.',
      )
    : new RepoSageError(
        'OLLAMA_TIMEOUT',
        `Ollama stopped sending its answer: nothing came for ${seconds}.`,
        'Try again; if it keeps happening, check `ollama ps` and the server log. The wait is ' +
          'reposage.ollamaStallSeconds (REPOSAGE_OLLAMA_STALL_SECONDS for the CLI).',
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

/** Every message along the `cause` chain, lower-cased, joined. */
function causeMessages(error: unknown, depth = 0): string {
  if (!error || typeof error !== 'object' || depth > 5) return '';
  const { message, cause } = error as { message?: unknown; cause?: unknown };
  return `${typeof message === 'string' ? message.toLowerCase() : ''} ${causeMessages(cause, depth + 1)}`;
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
