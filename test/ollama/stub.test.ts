import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';

/** The stand-in server's protocol, checked with plain HTTP where the client does not reach. */
describe('the Ollama stub', () => {
  let stub: OllamaStub;
  beforeEach(async () => {
    stub = await startOllamaStub();
  });
  afterEach(() => stub.close());

  const json = async (response: Response | Promise<Response>) =>
    (await (await response).json()) as Record<string, unknown>;
  const post = (path: string, body: unknown) =>
    fetch(`${stub.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('streams NDJSON by default, ending with a done object that carries the figures', async () => {
    const response = await post('/api/chat', {
      model: 'qwen2.5-coder:7b',
      messages: [{ role: 'user', content: '[1] src/a.ts:1-5\n```ts\nx\n```\n\nQuestion: what?' }],
    });

    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(0, -1).every((line) => line.done === false && line.message.role === 'assistant')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop', message: { content: '' } });
    for (const field of ['total_duration', 'load_duration', 'prompt_eval_count', 'eval_count', 'eval_duration']) {
      expect(typeof lines.at(-1)[field]).toBe('number');
    }
    expect(lines.map((line) => line.message.content).join('')).toBe('From the repository: src/a.ts lines 1-5 [1].');
  });

  it("answers an unknown model with 404 and Ollama's error shape", async () => {
    const response = await post('/api/generate', { model: 'nope', prompt: 'hi' });

    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: "model 'nope' not found" });
  });

  it('loads a model on an empty generate, and leaves the context out in raw mode', async () => {
    const load = await json(post('/api/generate', { model: 'qwen2.5-coder:7b' }));
    const raw = await json(post('/api/generate', { model: 'qwen2.5-coder:7b', prompt: 'x', raw: true, stream: false }));
    const templated = await json(post('/api/generate', { model: 'qwen2.5-coder:7b', prompt: 'x', stream: false }));

    expect(load).toMatchObject({ response: '', done: true, done_reason: 'load' });
    expect(raw.context).toBeUndefined();
    expect(templated.context).toEqual([1, 2, 3]);
  });

  it('stores a blob only when its bytes match the digest', async () => {
    const wrong = `sha256:${'a'.repeat(64)}`;

    const upload = await fetch(`${stub.url}/api/blobs/${wrong}`, { method: 'POST', body: 'not those bytes' });
    const check = await fetch(`${stub.url}/api/blobs/${wrong}`, { method: 'HEAD' });

    expect(upload.status).toBe(400);
    expect((await json(upload)).error).toMatch(/^digest mismatch/);
    expect(check.status).toBe(404);
  });

  it('does not install a model whose pull was cut off', async () => {
    await stub.close();
    stub = await startOllamaStub({ models: [] });
    stub.cutNext(3);

    await (await post('/api/pull', { model: 'qwen2.5-coder:7b' })).text();
    const tags = await json(fetch(`${stub.url}/api/tags`));

    expect(tags).toEqual({ models: [] });
  });

  it('applies a fault only to the path it names', async () => {
    stub.failNext({ status: 503, error: 'busy', path: '/api/chat' });

    const tags = await fetch(`${stub.url}/api/tags`);
    const chat = await post('/api/chat', { model: 'qwen2.5-coder:7b', messages: [], stream: false });

    expect(tags.status).toBe(200);
    expect(chat.status).toBe(503);
    expect(await json(chat)).toEqual({ error: 'busy' });
  });
});
