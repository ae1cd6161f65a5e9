import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { ProgressResponse } from 'ollama';
import { fileDigest } from './blobs';
import { OllamaCall } from './call';
import { responseFailure } from './failures';
import { resolveOllamaHost } from './host';
import { toModelInfo, toModelSummary } from './model-info';
import { TextStream, toCompletion, type AnswerLine, type FinalFields } from './text-stream';
import type {
  ChatRequest,
  Completion,
  CreateModelRequest,
  GenerateRequest,
  ModelInfo,
  ModelSummary,
  OllamaClientOptions,
  OllamaTimeouts,
  Progress,
  PullOptions,
} from './types';
import { DEFAULT_OLLAMA_STALL_SECONDS } from '../defaults';

/**
 * A reply that needs no model (version, models, show, blobs) comes in milliseconds from a healthy
 * server, so a few seconds of silence mean a stuck one. Answers have no first-byte limit: loading a
 * 7B model and reading a long prompt on a CPU can take minutes. Once tokens flow they come many
 * times a second, so a long silence then means a stuck server.
 */
export const DEFAULT_TIMEOUTS: OllamaTimeouts = { replyMs: 10_000, stallMs: DEFAULT_OLLAMA_STALL_SECONDS * 1000 };

/** Pulls, uploads and creates move gigabytes and have long silent steps (verifying, converting). */
const MODEL_MANAGEMENT_TIMEOUTS: OllamaTimeouts = { replyMs: 10 * 60_000, stallMs: 10 * 60_000 };

/** How long a model's description is reused: a question asks once, not at every step. */
const SHOW_CACHE_MS = 5 * 60_000;

/** Descriptions of models by host, shared by every client of the process (the extension makes many). */
const shown = new Map<string, { at: number; info: Promise<ModelInfo> }>();

/**
 * RepoSage's way to Ollama, over the official ollama-js client. Every method turns failures into
 * RepoSageErrors that say what to do, honours its AbortSignal, and gives up on a silent server.
 */
export class OllamaClient {
  readonly host: string;
  private readonly timeouts: OllamaTimeouts;
  private readonly headers: Record<string, string>;

  constructor(options: OllamaClientOptions = {}) {
    this.host = resolveOllamaHost(options.host, options.env);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...stallFromEnv(options.env), ...options.timeouts };
    this.headers = requestHeaders(options.headers, options.env);
  }

  /** The server's version; the cheapest way to tell whether Ollama is running. */
  async version(signal?: AbortSignal): Promise<string> {
    const call = this.call(signal);
    const reply = await call.run(() => call.client.version(), { action: 'report its version' });
    return reply.version;
  }

  async listModels(signal?: AbortSignal): Promise<ModelSummary[]> {
    const call = this.call(signal);
    const reply = await call.run(() => call.client.list(), { action: 'list its models' });
    return reply.models.map(toModelSummary);
  }

  /** What the model is and can do; asked of the server once per model every few minutes. */
  async showModel(name: string, signal?: AbortSignal): Promise<ModelInfo> {
    const key = `${this.host}\0${name}`;
    const cached = shown.get(key);
    if (cached && Date.now() - cached.at < SHOW_CACHE_MS) return cached.info;
    const call = this.call(signal);
    const info = call
      .run(() => call.client.show({ model: name }), { action: `describe ${name}`, model: name })
      .then((reply) => toModelInfo(name, reply));
    shown.set(key, { at: Date.now(), info });
    // A failure (a stopped server, a model not pulled yet) is asked again next time.
    info.catch(() => shown.get(key)?.info === info && shown.delete(key));
    return info;
  }

  /** Whether the model is in memory now (`ollama ps`), so an answer will not wait for it to load. */
  async isLoaded(name: string, signal?: AbortSignal): Promise<boolean> {
    const call = this.call(signal);
    const reply = await call.run(() => call.client.ps(), { action: 'list its running models' });
    const wanted = name.includes(':') ? name : `${name}:latest`;
    return reply.models.some((model) => model.name === wanted || model.model === wanted);
  }

  /**
   * Loads the model into memory (a chat with no messages), with the same options as the answers
   * that follow, since Ollama reloads a model whose context size changes.
   */
  async loadModel(request: Omit<ChatRequest, 'messages'>): Promise<void> {
    const call = this.call(request.signal);
    await call.run(
      () => call.client.chat({ ...chatBody({ ...request, messages: [] }), stream: false }),
      answering(request.model),
      'answer',
    );
  }

  /** Streams the assistant's answer; nothing is sent until the stream is iterated. */
  chatStream(request: ChatRequest): TextStream {
    const call = this.call(request.signal);
    const lines = call.lines(() => call.client.chat({ ...chatBody(request), stream: true }), answering(request.model));
    return new TextStream(answerLines(lines, (line) => line.message.content));
  }

  async chat(request: ChatRequest): Promise<Completion> {
    const call = this.call(request.signal);
    const reply = await call.run(
      () => call.client.chat({ ...chatBody(request), stream: false }),
      answering(request.model),
      'answer',
    );
    return toCompletion(reply.message.content, reply);
  }

  /** Streams a completion of a prompt (with `suffix`, the code between prompt and suffix). */
  generateStream(request: GenerateRequest): TextStream {
    const call = this.call(request.signal);
    const lines = call.lines(
      () => call.client.generate({ ...generateBody(request), stream: true }),
      answering(request.model),
    );
    return new TextStream(answerLines(lines, (line) => line.response ?? ''));
  }

  async generate(request: GenerateRequest): Promise<Completion> {
    const call = this.call(request.signal);
    const reply = await call.run(
      () => call.client.generate({ ...generateBody(request), stream: false }),
      answering(request.model),
      'answer',
    );
    const completion = toCompletion(reply.response ?? '', reply);
    if (request.topLogprobs === undefined) return completion;
    const logprobs = (reply.logprobs ?? []).map(({ token, logprob, top_logprobs }) => ({
      token,
      logprob,
      top: (top_logprobs ?? []).map((alternative) => ({ token: alternative.token, logprob: alternative.logprob })),
    }));
    return { ...completion, logprobs };
  }

  /** Downloads a model from the Ollama library, reporting each status line. */
  async pullModel(name: string, { onProgress, signal }: PullOptions = {}): Promise<void> {
    const call = this.call(signal, MODEL_MANAGEMENT_TIMEOUTS);
    const lines = call.lines(() => call.client.pull({ model: name, stream: true }), { action: `pull ${name}` });
    for await (const line of lines) onProgress?.(toProgress(line));
    forget(this.host, name);
  }

  /** Whether the server already holds the blob with this digest ("sha256:…"). */
  async hasBlob(digest: string, signal?: AbortSignal): Promise<boolean> {
    const call = this.call(signal);
    return call.run(
      async () => {
        const response = await call.fetch(this.blobUrl(digest), { method: 'HEAD' });
        if (response.status === 404) return false;
        if (!response.ok) throw await responseFailure(response);
        return true;
      },
      { action: `look up blob ${digest}` },
    );
  }

  /** Uploads a file (an adapter, weights) as a blob unless the server has it; returns its digest. */
  async pushBlob(filePath: string, signal?: AbortSignal): Promise<string> {
    const digest = await fileDigest(filePath, signal);
    if (await this.hasBlob(digest, signal)) return digest;
    const call = this.call(signal, MODEL_MANAGEMENT_TIMEOUTS);
    await call.run(
      async () => {
        const body = createReadStream(filePath);
        const response = await call.fetch(this.blobUrl(digest), { method: 'POST', body, duplex: 'half' });
        if (!response.ok) throw await responseFailure(response);
      },
      { action: `store ${path.basename(filePath)}` },
      'answer',
    );
    return digest;
  }

  /** Creates a model from an installed one, with adapters and settings on top, reporting each status line. */
  async createModel(request: CreateModelRequest): Promise<void> {
    const call = this.call(request.signal, MODEL_MANAGEMENT_TIMEOUTS);
    const { model, from, files, adapters, template, system, parameters } = request;
    // ollama-js passes the body through but its type lacks `files` (Ollama's API has it).
    const body = { model, from, files, adapters, template, system, parameters, stream: true as const };
    const lines = call.lines(() => call.client.create(body), { action: `create ${model}`, model: from });
    for await (const line of lines) request.onProgress?.(toProgress(line));
    forget(this.host, model);
  }

  private call(signal: AbortSignal | undefined, timeouts = this.timeouts): OllamaCall {
    return new OllamaCall(this.host, timeouts, signal, this.headers);
  }

  private blobUrl(digest: string): string {
    return `${this.host}/api/blobs/${digest}`;
  }
}

/** REPOSAGE_OLLAMA_STALL_SECONDS, the CLI's way to set how long an answer may go silent. */
function stallFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<OllamaTimeouts> {
  const seconds = Number(env.REPOSAGE_OLLAMA_STALL_SECONDS);
  return env.REPOSAGE_OLLAMA_STALL_SECONDS?.trim() && Number.isFinite(seconds) && seconds >= 0
    ? { stallMs: seconds * 1000 }
    : {};
}

/** A model just pulled or created may differ from the one described before. */
function forget(host: string, name: string): void {
  for (const key of [
    `${host}\0${name}`,
    `${host}\0${name.includes(':') ? name.replace(/:latest$/, '') : `${name}:latest`}`,
  ])
    shown.delete(key);
}

/**
 * Headers for every request: the configured ones (a team server behind a proxy), and OLLAMA_API_KEY
 * as a bearer token, as Ollama's own clients send it, unless an Authorization header is configured.
 */
function requestHeaders(
  configured: Record<string, string> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const headers = { ...configured };
  const token = env.OLLAMA_API_KEY?.trim();
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  if (token && !hasAuthorization) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** The JSON body Ollama's /api/chat takes for a request (the benchmark replays it without the client). */
export function chatBody(request: ChatRequest) {
  return {
    model: request.model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    options: request.options,
    keep_alive: request.keepAlive,
  };
}

/** The JSON body Ollama's /api/generate takes for a request. */
export function generateBody(request: GenerateRequest) {
  return {
    model: request.model,
    prompt: request.prompt,
    suffix: request.suffix,
    system: request.system,
    raw: request.raw,
    options: request.options,
    keep_alive: request.keepAlive,
    ...(request.topLogprobs === undefined ? {} : { logprobs: true, top_logprobs: request.topLogprobs }),
  };
}

function answering(model: string) {
  return { action: `answer with ${model}`, model };
}

async function* answerLines<T extends FinalFields & { done: boolean }>(
  lines: AsyncIterable<T>,
  textOf: (line: T) => string,
): AsyncGenerator<AnswerLine> {
  for await (const line of lines) yield { text: textOf(line), final: line.done ? line : undefined };
}

/** Only download lines carry the digest and byte counts; the others leave them undefined. */
function toProgress({ status, digest, total, completed }: ProgressResponse): Progress {
  return { status, digest, total, completed };
}
