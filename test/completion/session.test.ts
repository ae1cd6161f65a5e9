import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompletionSession, type CompletionSessionOptions } from '../../src/core/completion/session';
import { OllamaClient } from '../../src/core/ollama';
import type { ChunkStore } from '../../src/core/store/chunk-store';
import { startOllamaStub, type OllamaStub, type OllamaStubOptions, type RecordedRequest } from '../support/ollama-stub';
import { ROUTE_AT_CALL, openedFixture, requestAt } from './repo-fixture';

/** The same file with `typed` typed at the cursor. */
function typedAtCall(typed: string) {
  return requestAt('src/route.ts', ROUTE_AT_CALL.replace('|', `${typed}|`));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('CompletionSession', () => {
  let fixture: Awaited<ReturnType<typeof openedFixture>>;
  let store: ChunkStore;
  let stub: OllamaStub | undefined;
  let session: CompletionSession | undefined;

  beforeAll(async () => {
    fixture = await openedFixture();
    store = fixture.store;
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });
  afterEach(async () => {
    session?.dispose();
    await stub?.close();
    session = stub = undefined;
  });

  async function start(stubOptions: OllamaStubOptions = {}, options: Partial<CompletionSessionOptions> = {}) {
    stub = await startOllamaStub(stubOptions);
    session = new CompletionSession({
      ollama: new OllamaClient({ host: stub.url }),
      model: 'qwen2.5-coder:1.5b-base',
      index: store,
      debounceMs: 0,
      ...options,
    });
    return { stub, session };
  }

  const generateRequests = (): RecordedRequest[] => stub?.requestsTo('/api/generate') ?? [];

  it('asks for fill-in-the-middle with the context, the path comments, the suffix and keep_alive', async () => {
    const { session } = await start({ respond: () => 'points[i - 1], points[i]);' });
    const result = await session.complete(typedAtCall(''));

    expect(result?.completion).toBe('points[i - 1], points[i]');
    expect(result?.context).toContainEqual(expect.objectContaining({ path: 'src/geometry.ts', source: 'definition' }));
    const [request] = generateRequests();
    const body = request.body as {
      model: string;
      prompt: string;
      suffix: string;
      keep_alive: unknown;
      options: Record<string, unknown>;
    };
    expect(body.model).toBe('qwen2.5-coder:1.5b-base');
    expect(body.prompt).toContain('// Path: src/geometry.ts\nexport interface Point {');
    expect(body.prompt).toContain('export function distanceBetween(a: Point, b: Point): number {');
    expect(
      body.prompt.endsWith(`// Path: src/route.ts\n${typedAtCall('').text.slice(0, typedAtCall('').offset)}`),
    ).toBe(true);
    expect(body.suffix).toBe(');\n  }\n  return total;\n}');
    expect(body.keep_alive).toBe('30m');
    expect(body.options).toMatchObject({ num_ctx: 4096, num_predict: 64, stop: ['\n'] });
    expect(result?.promptTokens).toBeGreaterThan(0);
  });

  it('completes from the text before the cursor with a model that cannot fill in the middle; warns once', async () => {
    const notices: string[] = [];
    const { session } = await start(
      { models: [{ name: 'llama3.2:3b' }] },
      { model: 'llama3.2:3b', onNotice: (text) => notices.push(text) },
    );

    const first = await session.complete(typedAtCall(''));
    const second = await session.complete(typedAtCall('p'));

    expect(first).toMatchObject({ fim: false });
    expect(second).toMatchObject({ fim: false });
    expect(first!.completion).not.toBe('');
    const bodies = generateRequests().map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).toMatchObject({ raw: true });
      expect(body.suffix).toBeUndefined();
    }
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('llama3.2:3b cannot fill in the middle');
    expect(notices[0]).toContain('ollama pull qwen2.5-coder:1.5b-base');
  });

  it('says how to install a completion model that is missing', async () => {
    const { session } = await start({ models: [] });
    await expect(session.complete(typedAtCall(''))).rejects.toMatchObject({
      code: 'OLLAMA_MODEL_MISSING',
      hint: expect.stringContaining('ollama pull qwen2.5-coder:1.5b-base'),
    });
  });

  it('writes a body at an empty block and stops the model once the block has ended', async () => {
    const junk = Array.from({ length: 60 }, (_, i) => `const unused${i} = ${i};`).join('\n');
    const { session } = await start({
      respond: () => `const total = 0;\n  return total;\n}\n\n${junk}`,
      chunkDelayMs: 5,
    });
    const result = await session.complete(requestAt('src/sum.ts', 'export function sum() {\n  |\n}\n'));

    expect(result?.mode).toBe('multi');
    expect(result?.completion).toBe('const total = 0;\n  return total;');
    expect(generateRequests()[0].body?.options).toMatchObject({ num_predict: 256 });
    expect(generateRequests()[0].body?.options).not.toHaveProperty('stop');
    await until(() => generateRequests()[0].clientClosed, 'the stream to be closed');
  });

  it('asks the model once for a burst of keystrokes, after the pause', async () => {
    const { session } = await start({ respond: () => 's[0], points[1]);' }, { debounceMs: 100 });
    const pending = [];
    for (const typed of ['p', 'po', 'poi', 'poin', 'point']) {
      pending.push(session.complete(typedAtCall(typed)));
      await sleep(20);
    }
    const results = await Promise.all(pending);

    expect(results.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(results[4]?.completion).toBe('s[0], points[1]');
    expect(generateRequests()).toHaveLength(1);
    expect(session.counters).toEqual({ requests: 5, modelCalls: 1, cacheHits: 0, cancelled: 0 });
  });

  it('searches the index for context during the pause, so after it only the model is waited for', async () => {
    const searched: number[] = [];
    const index = {
      searchKeywords: (query: string, limit: number) => {
        searched.push(performance.now());
        return store.searchKeywords(query, limit);
      },
    };
    let askedAt = 0;
    const respond = () => {
      askedAt = performance.now();
      return 'points[i]);';
    };
    const { session } = await start({ respond }, { debounceMs: 300, index });
    const started = performance.now();
    const result = await session.complete(typedAtCall(''));

    expect(result?.completion).toBe('points[i]');
    expect(result?.context.length).toBeGreaterThan(0);
    expect(searched.length).toBeGreaterThan(0);
    // Every search began well inside the pause; the model was asked only once the pause was over.
    expect(Math.max(...searched) - started).toBeLessThan(200);
    expect(askedAt - started).toBeGreaterThanOrEqual(300);
  });

  it('cancels the request in flight when a new one comes, closing its connection', async () => {
    const { session, stub } = await start({ respond: () => 'points[i]);' });
    stub.stallNext(10_000, { path: '/api/generate', afterChunks: 1 });
    const first = session.complete(typedAtCall('a'));
    await until(() => generateRequests().length === 1, 'the first request to reach the model');
    const second = session.complete(typedAtCall('ab'));

    expect(await first).toBeUndefined();
    await until(() => generateRequests()[0].clientClosed, 'the first connection to be closed');
    expect((await second)?.completion).toBe('points[i]');
    expect(generateRequests()).toHaveLength(2);
    expect(session.counters).toMatchObject({ requests: 2, modelCalls: 2, cancelled: 1 });
  });

  it('answers retyped text from the cache, and serves the rest of a suggestion the user is typing', async () => {
    const { session } = await start({ respond: () => 'points[i - 1], points[i]);' });
    await session.complete(typedAtCall(''));

    const again = await session.complete(typedAtCall(''));
    expect(again).toMatchObject({ completion: 'points[i - 1], points[i]', cached: true });
    const typedAhead = await session.complete(typedAtCall('poi'));
    expect(typedAhead).toMatchObject({ completion: 'nts[i - 1], points[i]', cached: true });
    expect(generateRequests()).toHaveLength(1);

    await session.complete(typedAtCall('x'));
    expect(generateRequests()).toHaveLength(2);
    expect(session.counters).toEqual({ requests: 4, modelCalls: 2, cacheHits: 2, cancelled: 0 });
  });

  it('fails cleanly when Ollama is not running', async () => {
    const { stub: stopped } = await start();
    const host = stopped.url;
    await stopped.close();
    const down = new CompletionSession({
      ollama: new OllamaClient({ host }),
      model: 'qwen2.5-coder:1.5b-base',
      debounceMs: 0,
    });
    await expect(down.complete(typedAtCall(''))).rejects.toMatchObject({ code: 'OLLAMA_UNREACHABLE' });
    down.dispose();
    stub = undefined;
  });
});
