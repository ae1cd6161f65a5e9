import {
  capabilitiesOf,
  installModel,
  psEntry,
  normalizeModelName,
  sha256,
  showResponse,
  tagsEntry,
  weightsDigest,
  type StubModel,
  type StubModelSpec,
} from './models';
import { splitIntoTokens, type Responder, type StubCompletionRequest } from './responders';

/** What an endpoint answers; the server writes it, and applies any injected fault on the way. */
export type Reply =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'text'; status: number; text: string }
  /** NDJSON with status 200; `onComplete` runs only if every line reached the client. */
  | { kind: 'stream'; lines: object[]; onComplete?: () => void };

export interface BackendRequest {
  method: string;
  path: string;
  /** Parsed JSON for the JSON endpoints, undefined otherwise. */
  json: Record<string, unknown> | undefined;
  raw: Buffer;
}

/** Thrown by an endpoint to answer with Ollama's error shape, `{"error": "..."}`. */
class OllamaHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const VERSION = '0.12.6';

/** The stub's state (installed models, the registry it pulls from, blobs) and Ollama's endpoints over it. */
export class StubBackend {
  readonly models = new Map<string, StubModel>();
  private readonly registry = new Map<string, StubModelSpec>();
  private readonly blobs = new Map<string, Buffer>();
  /** Models in memory, as /api/ps lists them: a chat or generate loads its model, keep_alive 0 unloads it. */
  readonly loaded = new Set<string>();

  constructor(
    installed: StubModelSpec[],
    pullable: StubModelSpec[],
    private readonly respond: Responder,
  ) {
    for (const spec of installed) this.install(installModel(spec));
    for (const spec of pullable) this.registry.set(normalizeModelName(spec.name), spec);
  }

  handle(request: BackendRequest): Reply {
    try {
      return this.route(request);
    } catch (error) {
      if (error instanceof OllamaHttpError) return json(error.status, { error: error.message });
      throw error;
    }
  }

  private route({ method, path, json: body = {}, raw }: BackendRequest): Reply {
    const blob = /^\/api\/blobs\/(.+)$/.exec(path);
    if (blob && method === 'HEAD') return this.hasBlob(blob[1]);
    if (blob && method === 'POST') return this.createBlob(blob[1], raw);
    switch (`${method} ${path}`) {
      case 'GET /':
      case 'HEAD /':
        return { kind: 'text', status: 200, text: 'Ollama is running' };
      case 'GET /api/version':
        return json(200, { version: VERSION });
      case 'GET /api/ps':
        return json(200, { models: [...this.loaded].flatMap((name) => this.models.get(name) ?? []).map(psEntry) });
      case 'GET /api/tags':
        return json(200, { models: [...this.models.values()].map(tagsEntry) });
      case 'POST /api/show':
        return json(200, showResponse(this.requireModel(body.model ?? body.name)));
      case 'POST /api/chat':
        return this.chat(body);
      case 'POST /api/generate':
        return this.generate(body);
      case 'POST /api/pull':
        return this.pull(body);
      case 'POST /api/create':
        return this.create(body);
      case 'DELETE /api/delete':
        return this.delete(body);
      default:
        return { kind: 'text', status: 404, text: '404 page not found' };
    }
  }

  private chat(body: Record<string, unknown>): Reply {
    const model = this.use(body);
    refuseWithoutCompletion(model, body, 'chat');
    const messages = Array.isArray(body.messages) ? (body.messages as { role: string; content: string }[]) : [];
    const base = { model: model.name, created_at: new Date().toISOString() };
    if (messages.length === 0) {
      const done_reason = body.keep_alive === 0 ? 'unload' : 'load';
      return json(200, { ...base, message: { role: 'assistant', content: '' }, done: true, done_reason });
    }
    const options = optionsOf(body);
    const answer = this.complete({ endpoint: 'chat', model: model.name, messages, options }, options);
    const promptText = messages.map((message) => message.content).join('\n');
    const final = { ...base, done: true, done_reason: answer.doneReason, ...stats(promptText, answer.tokens) };
    if (body.stream === false) {
      return json(200, { ...final, message: { role: 'assistant', content: answer.tokens.join('') } });
    }
    return stream([
      ...answer.tokens.map((content) => ({ ...base, message: { role: 'assistant', content }, done: false })),
      { ...final, message: { role: 'assistant', content: '' } },
    ]);
  }

  private generate(body: Record<string, unknown>): Reply {
    const model = this.use(body);
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    const suffix = typeof body.suffix === 'string' ? body.suffix : undefined;
    const base = { model: model.name, created_at: new Date().toISOString() };
    const raw = body.raw === true;
    const system = typeof body.system === 'string' ? body.system : undefined;
    if (raw && (system || body.template || body.context)) {
      throw new OllamaHttpError(400, 'raw mode does not support template, system, or context');
    }
    refuseWithoutCompletion(model, body, 'generate');
    // Ollama asks for the insert capability only when the suffix is not empty.
    if (suffix && !capabilitiesOf(model).includes('insert')) {
      throw new OllamaHttpError(400, `registry.ollama.ai/library/${model.name} does not support insert`);
    }
    if (prompt === '' && !suffix) {
      return json(200, { ...base, response: '', done: true, done_reason: body.keep_alive === 0 ? 'unload' : 'load' });
    }
    const options = optionsOf(body);
    const answer = this.complete(
      { endpoint: 'generate', model: model.name, prompt, suffix, system, raw, options },
      options,
    );
    const final = {
      ...base,
      done: true,
      done_reason: answer.doneReason,
      // Raw mode returns no context, as the docs say.
      ...(raw ? {} : { context: [1, 2, 3] }),
      ...stats(prompt + (suffix ?? ''), answer.tokens),
    };
    const logprobs =
      body.logprobs === true
        ? (tokens: string[]) => ({ logprobs: tokens.map((token) => tokenLogprob(token, body.top_logprobs)) })
        : () => ({});
    if (body.stream === false)
      return json(200, { ...final, response: answer.tokens.join(''), ...logprobs(answer.tokens) });
    return stream([
      ...answer.tokens.map((response) => ({ ...base, response, done: false, ...logprobs([response]) })),
      { ...final, response: '' },
    ]);
  }

  /** The responder's answer in tokens, cut at `num_predict` the way a model stops at its limit. */
  private complete(request: StubCompletionRequest, options: Record<string, unknown>) {
    const tokens = splitIntoTokens(this.respond(request));
    const limit = typeof options.num_predict === 'number' && options.num_predict > 0 ? options.num_predict : Infinity;
    if (tokens.length <= limit) return { tokens, doneReason: 'stop' };
    return { tokens: tokens.slice(0, limit), doneReason: 'length' };
  }

  private pull(body: Record<string, unknown>): Reply {
    const name = normalizeModelName(String(body.model ?? body.name ?? ''));
    const spec = this.registry.get(name);
    if (!spec) {
      const error = 'pull model manifest: file does not exist';
      if (body.stream === false) throw new OllamaHttpError(500, error);
      return stream([{ status: 'pulling manifest' }, { error }]);
    }
    const model = installModel({ ...spec, name });
    const install = () => this.install(model);
    if (body.stream === false) {
      install();
      return json(200, { status: 'success' });
    }
    const digest = weightsDigest(model);
    const total = model.sizeBytes;
    return {
      kind: 'stream',
      lines: [
        { status: 'pulling manifest' },
        ...[0, Math.floor(total / 2), total].map((completed) => ({
          status: `downloading ${digest}`,
          digest,
          total,
          completed,
        })),
        { status: 'verifying sha256 digest' },
        { status: 'writing manifest' },
        { status: 'removing any unused layers' },
        { status: 'success' },
      ],
      onComplete: install,
    };
  }

  private hasBlob(digest: string): Reply {
    return { kind: 'text', status: this.blobs.has(digest) ? 200 : 404, text: '' };
  }

  /** Stores the body only if it hashes to the digest in the path, as Ollama does. */
  private createBlob(digest: string, body: Buffer): Reply {
    const actual = `sha256:${sha256(body)}`;
    if (actual !== digest) throw new OllamaHttpError(400, `digest mismatch, expected "${digest}", got "${actual}"`);
    this.blobs.set(digest, body);
    return { kind: 'text', status: 201, text: '' };
  }

  private create(body: Record<string, unknown>): Reply {
    if (typeof body.model !== 'string' || body.model === '') throw new OllamaHttpError(400, 'model is required');
    const base = body.from === undefined ? undefined : this.requireModel(body.from);
    const files = digestsOf(body.files);
    const adapters = digestsOf(body.adapters);
    if (!base && files.length === 0) throw new OllamaHttpError(400, "neither 'from' or 'files' was specified");
    for (const digest of [...files, ...adapters]) {
      if (!this.blobs.has(digest)) throw new OllamaHttpError(400, `blob ${digest} not found; upload it first`);
    }
    const parameters = { ...base?.parameters, ...(body.parameters as Record<string, unknown> | undefined) };
    const model = installModel(
      {
        ...(base ?? { name: body.model }),
        name: body.model,
        template: typeof body.template === 'string' ? body.template : base?.template,
        system: typeof body.system === 'string' ? body.system : base?.system,
        parameters,
      },
      { adapters: [...(base?.adapters ?? []), ...adapters], parentModel: base?.name ?? '' },
    );
    const install = () => this.install(model);
    if (body.stream === false) {
      install();
      return json(200, { status: 'success' });
    }
    const layers = base ? [weightsDigest(base)] : files;
    return {
      kind: 'stream',
      lines: [
        ...layers.map((digest) => ({ status: `using existing layer ${digest}` })),
        ...adapters.map((digest) => ({ status: `using existing layer ${digest}` })),
        ...(typeof body.template === 'string' ? [{ status: 'creating template layer' }] : []),
        ...(typeof body.system === 'string' ? [{ status: 'creating system layer' }] : []),
        ...(body.parameters ? [{ status: 'creating parameters layer' }] : []),
        { status: 'writing manifest' },
        { status: 'success' },
      ],
      onComplete: install,
    };
  }

  private delete(body: Record<string, unknown>): Reply {
    const model = this.requireModel(body.model ?? body.name);
    this.models.delete(model.name);
    return json(200, {});
  }

  private install(model: StubModel): void {
    this.models.set(model.name, model);
  }

  /** The request's model, loaded or unloaded as its keep_alive says. */
  private use(body: Record<string, unknown>): StubModel {
    const model = this.requireModel(body.model);
    if (body.keep_alive === 0 || body.keep_alive === '0') this.loaded.delete(model.name);
    else this.loaded.add(model.name);
    return model;
  }

  private requireModel(name: unknown): StubModel {
    if (typeof name !== 'string' || name === '') throw new OllamaHttpError(400, 'model is required');
    const model = this.models.get(normalizeModelName(name));
    if (!model) throw new OllamaHttpError(404, `model '${name}' not found`);
    return model;
  }
}

function json(status: number, body: unknown): Reply {
  return { kind: 'json', status, body };
}

function stream(lines: object[]): Reply {
  return { kind: 'stream', lines };
}

function optionsOf(body: Record<string, unknown>): Record<string, unknown> {
  return (body.options as Record<string, unknown> | undefined) ?? {};
}

/** The digests of a `{ filename: digest }` map, as /api/create takes files and adapters. */
function digestsOf(files: unknown): string[] {
  return files && typeof files === 'object' ? Object.values(files as Record<string, string>) : [];
}

/** The final object's statistics, in Ollama's units (nanoseconds), made up but consistent. */
function stats(promptText: string, tokens: string[]) {
  const promptTokens = Math.ceil(promptText.length / 4);
  return {
    total_duration: 1_000_000 + (promptTokens + tokens.length) * 10_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: promptTokens * 10_000_000,
    eval_count: tokens.length,
    eval_duration: tokens.length * 10_000_000,
  };
}

/**
 * A token's log-probability as Ollama reports it with `logprobs: true`: the stub is sure of the
 * token it chose (0.8) and lists it first among `top_logprobs` alternatives, the rest unlikely.
 */
function tokenLogprob(token: string, top: unknown) {
  const entry = (text: string, p: number) => ({ token: text, logprob: Math.log(p), bytes: [...Buffer.from(text)] });
  const count = typeof top === 'number' && top > 0 ? Math.min(top, 20) : 0;
  const alternatives = [
    entry(token, 0.8),
    ...Array.from({ length: Math.max(0, count - 1) }, (_, i) => entry(`<alt${i}>`, 0.2 / 2 ** (i + 1))),
  ];
  return { ...entry(token, 0.8), top_logprobs: alternatives.slice(0, count) };
}

/** Ollama refuses to chat with or generate from a model without the completion capability, naming it as sent. */
function refuseWithoutCompletion(model: StubModel, body: Record<string, unknown>, endpoint: 'chat' | 'generate'): void {
  if (!capabilitiesOf(model).includes('completion')) {
    throw new OllamaHttpError(400, `"${String(body.model)}" does not support ${endpoint}`);
  }
}
