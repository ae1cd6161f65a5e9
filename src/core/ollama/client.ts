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

/**
 * The first byte of a streamed answer comes after the model is loaded and the whole prompt is read;
 * on a CPU-only machine a cold 7B model and a few thousand tokens of context can take over a minute.
 * Once tokens flow they come many times a second, so a long silence then means a stuck server.
 */
const DEFAULT_TIMEOUTS: OllamaTimeouts = { firstByteMs: 120_000, idleMs: 30_000 };

/** Pulls, uploads and creates move gigabytes and have long silent steps (verifying, converting). */
const MODEL_MANAGEMENT_TIMEOUTS: OllamaTimeouts = { firstByteMs: 10 * 60_000, idleMs: 10 * 60_000 };

/**
 * RepoSage's way to Ollama, over the official ollama-js client. Every method turns failures into
 * RepoSageErrors that say what to do, honours its AbortSignal, and gives up on a silent server.
 */
export class OllamaClient {
  readonly host: string;
  private readonly timeouts: OllamaTimeouts;

  constructor(options: OllamaClientOptions = {}) {
    this.host = resolveOllamaHost(options.host, options.env);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
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

  async showModel(name: string, signal?: AbortSignal): Promise<ModelInfo> {
    const call = this.call(signal);
    const reply = await call.run(() => call.client.show({ model: name }), { action: `describe ${name}`, model: name });
    return toModelInfo(name, reply);
  }

  /** Streams the assistant's answer; nothing is sent until the stream is iterated. */
  chatStream(request: ChatRequest): TextStream {
    const call = this.call(request.signal);
    const lines = call.lines(() => call.client.chat({ ...chatBody(request), stream: true }), answering(request.model));
    return new TextStream(answerLines(lines, (line) => line.message.content));
  }

  async chat(request: ChatRequest): Promise<Completion> {
    const call = this.call(request.signal);
    const reply = await call.run(() => call.client.chat({ ...chatBody(request), stream: false }), answering(request.model));
    return toCompletion(reply.message.content, reply);
  }

  /** Streams a completion of a prompt (with `suffix`, the code between prompt and suffix). */
  generateStream(request: GenerateRequest): TextStream {
    const call = this.call(request.signal);
    const lines = call.lines(() => call.client.generate({ ...generateBody(request), stream: true }), answering(request.model));
    return new TextStream(answerLines(lines, (line) => line.response ?? ''));
  }

  async generate(request: GenerateRequest): Promise<Completion> {
    const call = this.call(request.signal);
    const reply = await call.run(
      () => call.client.generate({ ...generateBody(request), stream: false }),
      answering(request.model),
    );
    return toCompletion(reply.response ?? '', reply);
  }

  /** Downloads a model from the Ollama library, reporting each status line. */
  async pullModel(name: string, { onProgress, signal }: PullOptions = {}): Promise<void> {
    const call = this.call(signal, MODEL_MANAGEMENT_TIMEOUTS);
    const lines = call.lines(() => call.client.pull({ model: name, stream: true }), { action: `pull ${name}` });
    for await (const line of lines) onProgress?.(toProgress(line));
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
    );
    return digest;
  }

  /** Creates a model from an installed one, with adapters and settings on top, reporting each status line. */
  async createModel(request: CreateModelRequest): Promise<void> {
    const call = this.call(request.signal, MODEL_MANAGEMENT_TIMEOUTS);
    const { model, from, adapters, template, system, parameters } = request;
    const lines = call.lines(
      () => call.client.create({ model, from, adapters, template, system, parameters, stream: true }),
      { action: `create ${model}`, model: from },
    );
    for await (const line of lines) request.onProgress?.(toProgress(line));
  }

  private call(signal: AbortSignal | undefined, timeouts = this.timeouts): OllamaCall {
    return new OllamaCall(this.host, timeouts, signal);
  }

  private blobUrl(digest: string): string {
    return `${this.host}/api/blobs/${digest}`;
  }
}

function chatBody(request: ChatRequest) {
  return {
    model: request.model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    options: request.options,
    keep_alive: request.keepAlive,
  };
}

function generateBody(request: GenerateRequest) {
  return {
    model: request.model,
    prompt: request.prompt,
    suffix: request.suffix,
    system: request.system,
    raw: request.raw,
    options: request.options,
    keep_alive: request.keepAlive,
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
