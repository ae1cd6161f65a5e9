import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OllamaClient } from '../../src/core/ollama';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';

const CHAT_MODEL = 'qwen2.5-coder:7b';
const question = [{ role: 'user' as const, content: 'Where?' }];

async function drain(stream: AsyncIterable<string>): Promise<void> {
  for await (const _ of stream);
}

describe('failures', () => {
  let stub: OllamaStub;
  let client: OllamaClient;
  beforeEach(async () => {
    stub = await startOllamaStub({ respond: () => 'one two three four five six' });
    // Generous for replies (a loaded machine is slow to refuse a connection too), short for stalls.
    client = new OllamaClient({ host: stub.url, timeouts: { replyMs: 5_000, stallMs: 300 } });
  });
  afterEach(() => stub.close());

  it('says how to start Ollama when nothing listens at the host', async () => {
    await stub.close();

    const failure = client.listModels();

    await expect(failure).rejects.toMatchObject({ code: 'OLLAMA_UNREACHABLE' });
    const { hint } = await failure.catch((error) => error);
    expect(hint).toContain('ollama serve');
    expect(hint).toContain(stub.url);
    expect(hint).toContain('reposage.ollamaHost');
  });

  it('says which model to pull when the model is missing', async () => {
    const failure = drain(client.chatStream({ model: 'llama3.2', messages: question }));

    await expect(failure).rejects.toMatchObject({
      code: 'OLLAMA_MODEL_MISSING',
      message: 'The model llama3.2 is not installed in Ollama.',
    });
    expect((await failure.catch((error) => error)).hint).toContain('`ollama pull llama3.2`');
    await expect(client.showModel('llama3.2')).rejects.toMatchObject({ code: 'OLLAMA_MODEL_MISSING' });
  });

  it("passes on the server's own error message", async () => {
    stub.failNext({ status: 500, error: 'model requires more system memory (9.8 GiB) than is available (3.1 GiB)' });

    const failure = client.chat({ model: CHAT_MODEL, messages: question });

    await expect(failure).rejects.toMatchObject({ code: 'OLLAMA_ERROR' });
    expect((await failure.catch((error) => error)).message).toContain('more system memory (9.8 GiB)');
  });

  it('asks for a FIM model when the model cannot fill in the middle', async () => {
    const failure = client.generate({ model: CHAT_MODEL, prompt: 'let x = ', suffix: ';' });

    await expect(failure).rejects.toMatchObject({ code: 'OLLAMA_NO_FIM' });
    expect((await failure.catch((error) => error)).hint).toContain('reposage.completionModel');
  });

  it('says an embedding model cannot write text, naming the model setting to change for each use', async () => {
    const embedder = await startOllamaStub({
      models: [{ name: 'nomic-embed-text', family: 'nomic-bert', embedding: true }],
    });
    try {
      const embedding = new OllamaClient({ host: embedder.url });
      expect((await embedding.showModel('nomic-embed-text')).capabilities).toEqual(['embedding']);

      const chat = embedding.chat({ model: 'nomic-embed-text', messages: question });
      const generate = embedding.generate({ model: 'nomic-embed-text', prompt: 'let x = ' });

      await expect(chat).rejects.toMatchObject({
        code: 'OLLAMA_NO_COMPLETION',
        message: expect.stringContaining('The model nomic-embed-text does not write text'),
      });
      expect((await chat.catch((error) => error)).hint).toContain('Choose a chat model');
      await expect(generate).rejects.toMatchObject({ code: 'OLLAMA_NO_COMPLETION' });
      expect((await generate.catch((error) => error)).hint).toContain('reposage.completionModel');
    } finally {
      await embedder.close();
    }
  });

  it('reports a stream that ends without its final line as cut', async () => {
    stub.cutNext(2);

    await expect(drain(client.chatStream({ model: CHAT_MODEL, messages: question }))).rejects.toMatchObject({
      code: 'OLLAMA_RESPONSE_CUT',
    });
  });

  it('reports a connection dropped mid-stream as cut', async () => {
    stub.cutNext(2, { abrupt: true });
    const pieces: string[] = [];

    const reading = (async () => {
      for await (const piece of client.chatStream({ model: CHAT_MODEL, messages: question })) pieces.push(piece);
    })();

    await expect(reading).rejects.toMatchObject({ code: 'OLLAMA_RESPONSE_CUT' });
    expect(pieces).toEqual(['one', ' two']);
  });

  it('reports within seconds a server that accepts the connection and never replies', async () => {
    stub.stallNext(10_000, { path: '/api/show' });
    const started = performance.now();

    const failure = new OllamaClient({ host: stub.url, timeouts: { replyMs: 300 } }).showModel(CHAT_MODEL);

    await expect(failure).rejects.toMatchObject({
      code: 'OLLAMA_TIMEOUT',
      message: `Ollama at ${stub.url} accepted the connection but did not reply within 0.3 s.`,
    });
    expect((await failure.catch((error) => error)).hint).toContain('restart it');
    expect(performance.now() - started).toBeLessThan(5_000);
    await vi.waitFor(() => expect(stub.requestsTo('/api/show')[0].clientClosed).toBe(true));
  });

  it('waits for the first line of an answer as long as the model takes, until cancelled', async () => {
    stub.stallNext(10_000, { path: '/api/chat' });
    const controller = new AbortController();

    const failure = drain(client.chatStream({ model: CHAT_MODEL, messages: question, signal: controller.signal }));
    // Well past the stall limit: a model still loading is not a stuck server.
    const outcome = await Promise.race([
      failure.then(
        () => 'ended',
        () => 'failed',
      ),
      sleep(900).then(() => 'waiting'),
    ]);
    controller.abort();

    expect(outcome).toBe('waiting');
    await expect(failure).rejects.toMatchObject({ code: 'CANCELLED' });
    await vi.waitFor(() => expect(stub.requestsTo('/api/chat')[0].clientClosed).toBe(true));
  });

  it('gives up on an answer that stalls midway, saying how long it waited', async () => {
    stub.stallNext(10_000, { afterChunks: 2 });

    const failure = drain(client.chatStream({ model: CHAT_MODEL, messages: question }));
    await expect(failure).rejects.toMatchObject({
      code: 'OLLAMA_TIMEOUT',
      message: 'Ollama stopped sending its answer: nothing came for 0.3 s.',
    });
    expect((await failure.catch((error) => error)).hint).toContain('reposage.ollamaStallSeconds');
  });

  it('fails on a malformed line in an answer instead of dropping it', async () => {
    stub.garbleNext({ afterChunks: 2, path: '/api/chat' });
    const warn = vi.spyOn(console, 'warn');

    const failure = drain(client.chatStream({ model: CHAT_MODEL, messages: question }));

    await expect(failure).rejects.toMatchObject({ code: 'OLLAMA_BAD_REPLY' });
    expect((await failure.catch((error) => error)).message).toContain('502 Bad Gateway');
    expect(warn).not.toHaveBeenCalled();
  });

  it('fails clearly on a one-shot reply that is not JSON', async () => {
    stub.garbleNext({ path: '/api/tags' });

    const failure = client.listModels();

    await expect(failure).rejects.toMatchObject({ code: 'OLLAMA_BAD_REPLY' });
    expect((await failure.catch((error) => error)).hint).toContain('points at an Ollama server');
  });

  it('names the port when fetch refuses it (port 9), instead of "fetch failed"', async () => {
    const failure = new OllamaClient({ host: 'http://127.0.0.1:9' }).version();

    await expect(failure).rejects.toMatchObject({ code: 'OLLAMA_UNREACHABLE' });
    const error = await failure.catch((caught) => caught);
    expect(error.message).toContain('port');
    expect(error.message).not.toContain('fetch failed');
    expect(error.hint).toContain('11434');
  });

  it('does not count time the reader spends between pieces', async () => {
    const pieces: string[] = [];
    for await (const piece of client.chatStream({ model: CHAT_MODEL, messages: question })) {
      pieces.push(piece);
      if (pieces.length === 1) await new Promise((resolve) => setTimeout(resolve, 500));
    }

    expect(pieces.join('')).toBe('one two three four five six');
  });

  it('cancels before sending anything when the signal has already fired', async () => {
    const signal = AbortSignal.abort();

    await expect(client.listModels(signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(stub.requests).toHaveLength(0);
  });
});
