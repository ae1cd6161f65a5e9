import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StubBackend, type Reply } from './backend';
import { DEFAULT_MODELS, type StubModelSpec } from './models';
import { defaultRespond, type Responder } from './responders';

export interface OllamaStubOptions {
  /** Installed at start (listed by /api/tags). Default: RepoSage's default chat and FIM models. */
  models?: StubModelSpec[];
  /** What /api/pull can fetch besides the installed models. Default: the default models. */
  registry?: StubModelSpec[];
  /** The model's answer to a chat or generate request. Default: `defaultRespond`. */
  respond?: Responder;
  /** Pause between two lines of a streamed reply. */
  chunkDelayMs?: number;
  /**
   * Answer only requests that carry `Authorization: Bearer <token>`, as a team server behind an
   * authenticating proxy does: 401 without it, 403 with another token.
   */
  token?: string;
  /** Serve HTTPS with this key and certificate (PEM), as a team server does. */
  tls?: { key: string; cert: string };
}

/** One request as the stub received it, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The parsed JSON body; undefined for blobs and bodiless requests. */
  body: Record<string, unknown> | undefined;
  bodyBytes: number;
  headers: http.IncomingHttpHeaders;
  /** The client went away before the reply was complete (an abort, a timeout). */
  clientClosed: boolean;
}

interface FaultTarget {
  /** Only requests to this path take the fault; by default the next request of any kind does. */
  path?: string;
}

type Fault =
  | { kind: 'fail'; status: number; error: string; path?: string }
  | { kind: 'stall'; ms: number; afterChunks: number; path?: string }
  | { kind: 'cut'; afterChunks: number; abrupt: boolean; path?: string }
  | { kind: 'garble'; afterChunks: number; path?: string };

/** A stand-in Ollama server on 127.0.0.1 that speaks its HTTP API, with faults a test can inject. */
export class OllamaStub {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly chunkDelayMs: number;
  private readonly token: string | undefined;

  constructor(
    private readonly server: http.Server,
    /** Where it listens; stays the same after close(), so a test can aim at a port nobody serves. */
    readonly url: string,
    readonly backend: StubBackend,
    options: OllamaStubOptions,
  ) {
    this.chunkDelayMs = options.chunkDelayMs ?? 2;
    this.token = options.token;
    server.on('request', (req, res) => void this.serve(req, res));
  }

  /** The next request answers with this HTTP status and `{"error": error}`. */
  failNext(fault: { status: number; error: string } & FaultTarget): void {
    this.faults.push({ kind: 'fail', ...fault });
  }

  /** The next request is accepted, then nothing more is sent for `ms` (after `afterChunks` lines of a stream). */
  stallNext(ms: number, options: { afterChunks?: number } & FaultTarget = {}): void {
    this.faults.push({ kind: 'stall', ms, afterChunks: options.afterChunks ?? 0, path: options.path });
  }

  /**
   * The next streamed reply stops after `afterChunks` lines, without its final object: ended cleanly
   * by default, or with the connection destroyed (`abrupt`), as when the server process dies.
   */
  cutNext(afterChunks: number, options: { abrupt?: boolean } & FaultTarget = {}): void {
    this.faults.push({ kind: 'cut', afterChunks, abrupt: options.abrupt ?? false, path: options.path });
  }

  /**
   * The next reply carries bytes that are not JSON: after `afterChunks` lines of a stream, or as the
   * whole body of a one-shot reply (a proxy's error page, a server that is not Ollama).
   */
  garbleNext(options: { afterChunks?: number } & FaultTarget = {}): void {
    this.faults.push({ kind: 'garble', afterChunks: options.afterChunks ?? 0, path: options.path });
  }

  /** Requests to one path, oldest first. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Stops listening and drops open connections, stalled ones included; the port is then free. */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const raw = Buffer.concat(await req.toArray());
    const isBlob = path.startsWith('/api/blobs/');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      body: undefined,
      bodyBytes: raw.length,
      headers: req.headers,
      clientClosed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientClosed = true;
    });
    if (raw.length > 0 && !isBlob) {
      try {
        record.body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, { kind: 'json', status: 400, body: { error: 'invalid JSON in request body' } });
      }
    }
    const refusal = this.authorize(req.headers.authorization);
    if (refusal) return send(res, refusal);
    const fault = this.takeFault(path);
    if (fault?.kind === 'fail') return send(res, { kind: 'json', status: fault.status, body: { error: fault.error } });
    const reply = this.backend.handle({ method: record.method, path, json: record.body, raw });
    if (reply.kind === 'stream') return this.stream(res, reply, fault);
    if (fault?.kind === 'stall') await pauseUnlessClosed(res, fault.ms);
    if (fault?.kind === 'cut') return void res.destroy();
    if (fault?.kind === 'garble') return send(res, { kind: 'text', status: 200, text: GARBAGE });
    send(res, reply);
  }

  /** What a token-checking proxy answers (in its own words, not Ollama's), or undefined to let the request through. */
  private authorize(authorization: string | undefined): Exclude<Reply, { kind: 'stream' }> | undefined {
    if (this.token === undefined || authorization === `Bearer ${this.token}`) return undefined;
    return authorization === undefined
      ? { kind: 'text', status: 401, text: 'Unauthorized' }
      : { kind: 'json', status: 403, body: { error: 'forbidden' } };
  }

  /** Writes NDJSON a line at a time, as Ollama flushes each token, applying a stall or cut fault. */
  private async stream(res: http.ServerResponse, reply: Reply & { kind: 'stream' }, fault: Fault | undefined) {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const [index, line] of reply.lines.entries()) {
      if (res.destroyed) return;
      if (fault?.kind === 'stall' && index === fault.afterChunks) await pauseUnlessClosed(res, fault.ms);
      if (fault?.kind === 'cut' && index === fault.afterChunks) return void (fault.abrupt ? res.destroy() : res.end());
      if (fault?.kind === 'garble' && index === fault.afterChunks) res.write(`${GARBAGE}\n`);
      if (res.destroyed) return;
      res.write(`${JSON.stringify(line)}\n`);
      if (index < reply.lines.length - 1) await sleep(this.chunkDelayMs);
    }
    res.end(() => reply.onComplete?.());
  }

  private takeFault(path: string): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.path === undefined || fault.path === path);
    return index === -1 ? undefined : this.faults.splice(index, 1)[0];
  }
}

/** Bytes no JSON parser accepts, with a control character, as a broken proxy or a wrong server might send. */
const GARBAGE = '<html>\u0007 502 Bad Gateway {"done": tru';

export async function startOllamaStub(options: OllamaStubOptions = {}): Promise<OllamaStub> {
  const models = options.models ?? DEFAULT_MODELS;
  const pullable = [...models, ...(options.registry ?? DEFAULT_MODELS)];
  const backend = new StubBackend(models, pullable, options.respond ?? defaultRespond);
  const server = options.tls ? https.createServer(options.tls) : http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new OllamaStub(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, backend, options);
}

/** Waits `ms`, or less if the client goes away meanwhile, so a stalled reply never outlives its test. */
function pauseUnlessClosed(res: http.ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

function send(res: http.ServerResponse, reply: Exclude<Reply, { kind: 'stream' }>): void {
  if (reply.kind === 'json') {
    res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(reply.body));
  } else {
    res.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(reply.text);
  }
}
