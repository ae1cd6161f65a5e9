import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { questionMessage } from '../../src/core/chat/prompt';
import { OllamaClient } from '../../src/core/ollama';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';

const CHAT_MODEL = 'qwen2.5-coder:7b';
const FIM_MODEL = 'qwen2.5-coder:1.5b-base';

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

describe('chat', () => {
  let stub: OllamaStub;
  let client: OllamaClient;
  beforeEach(async () => {
    stub = await startOllamaStub({ respond: () => 'The answer is in parse.ts [1].' });
    client = new OllamaClient({ host: stub.url });
  });
  afterEach(() => stub.close());

  it('streams the answer in order and keeps the final figures', async () => {
    const stream = client.chatStream({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'Where?' }] });

    const pieces = await collect(stream);

    expect(pieces).toEqual(['The', ' answer', ' is', ' in', ' parse.ts', ' [1].']);
    expect(stream.completion).toMatchObject({
      text: 'The answer is in parse.ts [1].',
      doneReason: 'stop',
      truncated: false,
      stats: { answerTokens: 6, loadMs: 1 },
    });
  });

  it('sends the model, the messages, keep_alive and the options', async () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Where is the parser?' },
    ];

    await collect(
      client.chatStream({
        model: CHAT_MODEL,
        messages,
        options: { num_ctx: 8192, temperature: 0.1 },
        keepAlive: '30m',
      }),
    );

    expect(stub.requestsTo('/api/chat')).toHaveLength(1);
    expect(stub.requestsTo('/api/chat')[0].body).toEqual({
      model: CHAT_MODEL,
      messages,
      options: { num_ctx: 8192, temperature: 0.1 },
      keep_alive: '30m',
      stream: true,
    });
  });

  it('answers in one piece when not streaming', async () => {
    const completion = await client.chat({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'Where?' }] });

    expect(completion.text).toBe('The answer is in parse.ts [1].');
    expect(completion.stats.answerTokens).toBe(6);
    expect(stub.requestsTo('/api/chat')[0].body).toMatchObject({ stream: false });
  });

  it('flags an answer that stopped at the token limit as truncated', async () => {
    const stream = client.chatStream({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'Where?' }],
      options: { num_predict: 3 },
    });

    expect((await collect(stream)).join('')).toBe('The answer is');
    expect(stream.completion).toMatchObject({ doneReason: 'length', truncated: true });
  });

  it('stops streaming when aborted, and the server sees the connection close', async () => {
    const controller = new AbortController();
    const pieces: string[] = [];
    const reading = (async () => {
      const stream = client.chatStream({
        model: CHAT_MODEL,
        messages: [{ role: 'user', content: 'Where?' }],
        signal: controller.signal,
      });
      for await (const piece of stream) {
        pieces.push(piece);
        if (pieces.length === 2) controller.abort();
      }
    })();

    await expect(reading).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(pieces).toEqual(['The', ' answer']);
    await vi.waitFor(() => expect(stub.requestsTo('/api/chat')[0].clientClosed).toBe(true));
  });

  it('cancels even when the whole reply arrived while the reader was busy', async () => {
    // Node's fetch leaves such a read pending forever on abort (nodejs/undici#4089).
    const controller = new AbortController();
    const pieces: string[] = [];
    const reading = (async () => {
      const stream = client.chatStream({
        model: CHAT_MODEL,
        messages: [{ role: 'user', content: 'Where?' }],
        signal: controller.signal,
      });
      for await (const piece of stream) {
        pieces.push(piece);
        // Long enough for the stub to send every line (2 ms apart) before the abort.
        await new Promise((resolve) => setTimeout(resolve, 150));
        controller.abort();
      }
    })();

    await expect(reading).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(pieces).toEqual(['The']);
  });

  it('aborting one stream leaves another running', async () => {
    const controller = new AbortController();
    const request = { model: CHAT_MODEL, messages: [{ role: 'user' as const, content: 'Where?' }] };
    const aborted = (async () => {
      for await (const _ of client.chatStream({ ...request, signal: controller.signal })) controller.abort();
    })();
    const untouched = collect(client.chatStream(request));

    await expect(aborted).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await untouched).join('')).toBe('The answer is in parse.ts [1].');
  });

  it('closes the connection when the reader stops early', async () => {
    for await (const _ of client.chatStream({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'Where?' }] }))
      break;

    await vi.waitFor(() => expect(stub.requestsTo('/api/chat')[0].clientClosed).toBe(true));
  });
});

describe('chat with the stub answering from the prompt', () => {
  it('cites the context blocks of the prompt RepoSage writes', async () => {
    const stub = await startOllamaStub();
    try {
      const client = new OllamaClient({ host: stub.url });
      const content = questionMessage({
        question: 'How are tokens counted?',
        blocks: [
          { n: 1, path: 'src/tokens.ts', startLine: 10, endLine: 24, text: 'export function count() {}' },
          { n: 2, path: 'docs/tokens.md', startLine: 1, endLine: 8, text: '# Tokens' },
        ],
      });

      const answer = await client.chat({ model: CHAT_MODEL, messages: [{ role: 'user', content }] });

      expect(answer.text).toBe('From the repository: src/tokens.ts lines 10-24 [1], docs/tokens.md lines 1-8 [2].');
    } finally {
      await stub.close();
    }
  });
});

describe('generate', () => {
  let stub: OllamaStub;
  let client: OllamaClient;
  beforeEach(async () => {
    stub = await startOllamaStub();
    client = new OllamaClient({ host: stub.url });
  });
  afterEach(() => stub.close());

  it('streams a fill-in-the-middle completion built from prompt and suffix', async () => {
    const stream = client.generateStream({
      model: FIM_MODEL,
      prompt: 'export function add(a: number, b: number) {\n',
      suffix: '\n}\n',
      options: { temperature: 0, num_predict: 64 },
      keepAlive: '1h',
    });

    const pieces = await collect(stream);

    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('/* between export function add(a: number, b: number) { and } */');
    expect(stream.completion?.doneReason).toBe('stop');
    expect(stub.requestsTo('/api/generate')[0].body).toEqual({
      model: FIM_MODEL,
      prompt: 'export function add(a: number, b: number) {\n',
      suffix: '\n}\n',
      options: { temperature: 0, num_predict: 64 },
      keep_alive: '1h',
      stream: true,
    });
  });

  it('answers a raw prompt in one piece', async () => {
    const completion = await client.generate({ model: FIM_MODEL, prompt: '<|fim_prefix|>let x =', raw: true });

    expect(completion.text).toBe('Raw reply to: <|fim_prefix|>let x =');
    expect(stub.requestsTo('/api/generate')[0].body).toMatchObject({ raw: true, stream: false });
  });
});
