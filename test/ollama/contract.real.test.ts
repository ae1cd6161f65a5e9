import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { OllamaClient, fileDigest } from '../../src/core/ollama';
import { GEMMA3_270M, startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { SMALL_MODEL, SMALL_MODEL_GGUF } from '../support/real-ollama';
import { ggufWithMetadata } from '../support/gguf';
import { makeTempDir } from '../support/temp-dir';

/**
 * The Ollama client's contract, checked against two servers: the real one (the reference) and the
 * stand-in the fast tiers use. Whatever passes for one and fails for the other is a stand-in bug.
 */
interface Target {
  name: string;
  /** The server, a GGUF file it can create a model from, and an installed embedding model (EMBEDDING_MODEL). */
  start(): Promise<{ url: string; gguf: string; stop(): Promise<void> }>;
}

/** An embedding-only model: what Ollama makes of a GGUF whose metadata names a pooling type. */
const EMBEDDING_MODEL = 'reposage-contract-embedding';

const targets: Target[] = [
  {
    name: 'the stand-in server',
    async start() {
      const stub: OllamaStub = await startOllamaStub({
        models: [GEMMA3_270M, { name: EMBEDDING_MODEL, family: 'bert', embedding: true }],
      });
      const temp = await makeTempDir('reposage-contract-');
      const gguf = path.join(temp.dir, 'model.gguf');
      await fs.writeFile(gguf, Buffer.concat([Buffer.from('GGUF'), randomBytes(4096)]));
      return {
        url: stub.url,
        gguf,
        stop: async () => {
          await stub.close();
          await temp.cleanup();
        },
      };
    },
  },
  {
    name: 'the real server',
    async start() {
      const url = inject('ollamaUrl');
      // Only the header counts: Ollama decides capabilities from the metadata and refuses before loading.
      const temp = await makeTempDir('reposage-contract-');
      const embedding = path.join(temp.dir, 'embedding.gguf');
      await fs.writeFile(
        embedding,
        ggufWithMetadata({ 'general.architecture': 'bert', 'bert.pooling_type': 1, 'bert.context_length': 512 }),
      );
      const client = new OllamaClient({ host: url });
      await client.createModel({ model: EMBEDDING_MODEL, files: { 'model.gguf': await client.pushBlob(embedding) } });
      await temp.cleanup();
      return { url, gguf: SMALL_MODEL_GGUF, stop: async () => undefined };
    },
  },
];

/** Made by these tests, removed after, so the shared models folder holds only what the harness made. */
const FIM_MODEL = 'reposage-contract-fim';
const FROM_FILES_MODEL = 'reposage-contract-files';
/** A template that names the suffix: Ollama then declares the model able to fill in the middle. */
const FIM_TEMPLATE =
  '{{ if .Suffix }}<prefix>{{ .Prompt }}<suffix>{{ .Suffix }}<middle>{{ else }}{{ .Prompt }}{{ end }}';
const SHORT = { num_predict: 6, temperature: 0, seed: 1 };

describe.each(targets)('the Ollama contract, on $name', (target) => {
  let server: Awaited<ReturnType<Target['start']>>;
  let client: OllamaClient;
  beforeAll(async () => {
    server = await target.start();
    client = new OllamaClient({ host: server.url });
  });
  afterAll(async () => {
    for (const model of [FIM_MODEL, FROM_FILES_MODEL, EMBEDDING_MODEL]) {
      await fetch(`${server.url}/api/delete`, { method: 'DELETE', body: JSON.stringify({ model }) });
    }
    await server.stop();
  });

  const failure = async (promise: Promise<unknown>): Promise<RepoSageError> => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RepoSageError);
    return error as RepoSageError;
  };

  it('reports a version and lists the model under its full name', async () => {
    expect(await client.version()).toMatch(/^\d+\.\d+\.\d+/);
    const models = await client.listModels();
    const model = models.find((entry) => entry.name === `${SMALL_MODEL}:latest`);
    expect(model).toMatchObject({ details: { format: 'gguf', family: 'gemma3' } });
    expect(model!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(model!.sizeBytes).toBeGreaterThan(0);
  });

  it('describes the model: capabilities, template, architecture, context length', async () => {
    const info = await client.showModel(SMALL_MODEL);

    expect(info.capabilities).toContain('completion');
    expect(info.capabilities).not.toContain('insert');
    expect(info.supportsFim).toBe(false);
    expect(info.architecture).toBe('gemma3');
    expect(info.template).toContain('.Prompt');
    expect(info.template).not.toContain('.Suffix');
    expect(info.contextLength).toBeGreaterThanOrEqual(4096);
  });

  it('streams a chat answer piece by piece, ending with the figures', async () => {
    const stream = client.chatStream({
      model: SMALL_MODEL,
      messages: [{ role: 'user', content: 'Count: one, two,' }],
      options: SHORT,
    });
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);

    expect(pieces.length).toBeGreaterThan(1);
    const completion = stream.completion!;
    expect(completion.text).toBe(pieces.join(''));
    expect(completion.stats.answerTokens).toBeGreaterThan(0);
    expect(completion.stats.answerTokens).toBeLessThanOrEqual(SHORT.num_predict);
    expect(completion.stats.promptTokens).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(completion.doneReason);
  });

  it('generates from a prompt, templated or raw', async () => {
    const templated = await client.generate({ model: SMALL_MODEL, prompt: 'function add(a, b) {', options: SHORT });
    const raw = await client.generate({
      model: SMALL_MODEL,
      prompt: 'function add(a, b) {',
      raw: true,
      options: SHORT,
    });

    expect(templated.text.length + raw.text.length).toBeGreaterThan(0);
    expect(raw.stats.answerTokens).toBeGreaterThan(0);
  });

  it('refuses a suffix for a model whose template has none, saying so', async () => {
    const error = await failure(client.generate({ model: SMALL_MODEL, prompt: 'a', suffix: 'b', options: SHORT }));
    expect(error.code).toBe('OLLAMA_NO_FIM');
  });

  it('creates a model from an installed one with a suffix template, which then fills in the middle', async () => {
    const statuses: string[] = [];
    await client.createModel({
      model: FIM_MODEL,
      from: SMALL_MODEL,
      template: FIM_TEMPLATE,
      onProgress: (p) => statuses.push(p.status),
    });
    expect(statuses.at(-1)).toBe('success');

    const info = await client.showModel(FIM_MODEL);
    expect(info.capabilities).toContain('insert');
    expect(info.supportsFim).toBe(true);

    const stream = client.generateStream({
      model: FIM_MODEL,
      prompt: 'def add(a, b):\n    ',
      suffix: '\n\nprint(add(1, 2))',
      options: SHORT,
    });
    for await (const piece of stream) void piece;
    expect(stream.completion!.stats.answerTokens).toBeGreaterThan(0);
  });

  it('uploads a blob once, then creates a model from an uploaded GGUF', async () => {
    const temp = await makeTempDir('reposage-blob-');
    try {
      const file = path.join(temp.dir, 'random.bin');
      await fs.writeFile(file, randomBytes(2048));
      const digest = await fileDigest(file);
      expect(await client.hasBlob(digest)).toBe(false);
      expect(await client.pushBlob(file)).toBe(digest);
      expect(await client.hasBlob(digest)).toBe(true);
    } finally {
      await temp.cleanup();
    }

    const gguf = await client.pushBlob(server.gguf);
    await client.createModel({ model: FROM_FILES_MODEL, files: { 'model.gguf': gguf } });
    expect((await client.listModels()).map((model) => model.name)).toContain(`${FROM_FILES_MODEL}:latest`);
  });

  it('names a missing model, with the pull command, for every kind of request', async () => {
    const requests = [
      () => client.showModel('no-such-model'),
      () => client.chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      () => client.generate({ model: 'no-such-model', prompt: 'hi' }),
    ];
    for (const request of requests) {
      const error = await failure(request());
      expect(error.code).toBe('OLLAMA_MODEL_MISSING');
      expect(error.hint).toContain('ollama pull no-such-model');
    }
  });

  it('refuses to chat with or generate from an embedding model, saying it does not write text', async () => {
    expect((await client.showModel(EMBEDDING_MODEL)).capabilities).toEqual(['embedding']);
    // Made one at a time: a rejection nobody awaits yet would be reported as unhandled.
    const requests = [
      () => client.chat({ model: EMBEDDING_MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      () => client.loadModel({ model: EMBEDDING_MODEL }),
      () => client.generate({ model: EMBEDDING_MODEL, prompt: 'hi' }),
    ];
    for (const request of requests) {
      const error = await failure(request());
      expect(error.code).toBe('OLLAMA_NO_COMPLETION');
      expect(error.message).toContain(`The model ${EMBEDDING_MODEL} does not write text`);
    }
  });

  it("passes on the server's reason for a bad request", async () => {
    const error = await failure(client.generate({ model: SMALL_MODEL, prompt: 'hi', raw: true, system: 'be brief' }));
    expect(error.code).toBe('OLLAMA_ERROR');
    expect(error.message).toContain('raw mode does not support');
    expect(error.message).toContain('HTTP 400');
  });

  it('refuses a blob whose bytes do not match its digest', async () => {
    const response = await fetch(`${server.url}/api/blobs/sha256:${'0'.repeat(64)}`, {
      method: 'POST',
      body: 'not these bytes',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/digest mismatch/);
  });
});
