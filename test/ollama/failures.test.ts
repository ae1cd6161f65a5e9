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
    client = new OllamaClient({ host: stub.url, timeouts: { firstByteMs: 300, idleMs: 300 } });
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

  it('gives up on a server that accepts the request and sends nothing', async () => {
    stub.stallNext(10_000);

    const failure = drain(client.chatStream({ model: CHAT_MODEL, messages: question }));

    await expect(failure).rejects.toMatchObject({
      code: 'OLLAMA_TIMEOUT',
      message: 'Ollama did not start answering within 0.3 s.',
    });
    await vi.waitFor(() => expect(stub.requestsTo('/api/chat')[0].clientClosed).toBe(true));
  });

  it('gives up on a stream that stalls midway', async () => {
    stub.stallNext(10_000, { afterChunks: 2 });

    await expect(drain(client.chatStream({ model: CHAT_MODEL, messages: question }))).rejects.toMatchObject({
      code: 'OLLAMA_TIMEOUT',
      message: 'Ollama stopped sending its answer for 0.3 s.',
    });
  });

  it('gives up on a one-shot reply that does not come', async () => {
    stub.stallNext(10_000);

    await expect(client.generate({ model: CHAT_MODEL, prompt: 'Hello' })).rejects.toMatchObject({
      code: 'OLLAMA_TIMEOUT',
    });
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
