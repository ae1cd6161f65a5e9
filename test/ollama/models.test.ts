import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaClient, type Progress } from '../../src/core/ollama';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { makeTempDir } from '../support/temp-dir';

describe('model information', () => {
  let stub: OllamaStub;
  let client: OllamaClient;
  beforeEach(async () => {
    stub = await startOllamaStub({
      models: [
        { name: 'qwen2.5-coder:7b', family: 'qwen2', contextLength: 32768 },
        { name: 'qwen2.5-coder:1.5b-base', family: 'qwen2', contextLength: 32768, fim: true },
        { name: 'codellama:code', family: 'llama', template: '<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>' },
      ],
    });
    client = new OllamaClient({ host: stub.url });
  });
  afterEach(() => stub.close());

  it('lists the installed models', async () => {
    const models = await client.listModels();

    expect(models.map((model) => model.name)).toEqual([
      'qwen2.5-coder:7b',
      'qwen2.5-coder:1.5b-base',
      'codellama:code',
    ]);
    expect(models[0]).toMatchObject({ details: { family: 'qwen2', format: 'gguf' } });
    expect(models[0].digest).toMatch(/^[0-9a-f]{64}$/);
    expect(models[0].sizeBytes).toBeGreaterThan(0);
  });

  it("reads a chat model's context length, and that it cannot fill in the middle", async () => {
    const info = await client.showModel('qwen2.5-coder:7b');

    expect(info).toMatchObject({ contextLength: 32768, supportsFim: false, family: 'qwen2', adapters: [] });
    expect(info.template).toContain('.Messages');
  });

  it('detects fill-in-the-middle from a template that uses the suffix, as Ollama does', async () => {
    const qwen = await client.showModel('qwen2.5-coder:1.5b-base');
    const codellama = await client.showModel('codellama:code');

    expect(qwen).toMatchObject({ supportsFim: true, capabilities: ['completion', 'insert'] });
    expect(codellama).toMatchObject({ supportsFim: true, capabilities: ['completion', 'insert'] });
  });
});

describe('pulling, blobs and creating models', () => {
  let stub: OllamaStub;
  let client: OllamaClient;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    stub = await startOllamaStub({ models: [{ name: 'qwen2.5-coder:7b', family: 'qwen2', contextLength: 32768 }] });
    client = new OllamaClient({ host: stub.url });
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await stub.close();
    await temp.cleanup();
  });

  it('pulls a model, reporting progress, after which it is listed', async () => {
    const progress: Progress[] = [];

    await client.pullModel('qwen2.5-coder:1.5b-base', { onProgress: (line) => progress.push(line) });

    const statuses = progress.map((line) => line.status);
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.slice(-4)).toEqual([
      'verifying sha256 digest',
      'writing manifest',
      'removing any unused layers',
      'success',
    ]);
    const downloads = progress.filter((line) => line.status.startsWith('downloading '));
    expect(downloads.length).toBeGreaterThan(1);
    expect(downloads.at(-1)?.completed).toBe(downloads.at(-1)?.total);
    expect(downloads[0].digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await client.listModels()).map((model) => model.name)).toContain('qwen2.5-coder:1.5b-base');
  });

  it('reports a model the library does not have', async () => {
    const failure = client.pullModel('no-such-model:1b');

    await expect(failure).rejects.toMatchObject({ code: 'OLLAMA_ERROR' });
    expect((await failure.catch((error) => error)).message).toBe(
      'Ollama could not pull no-such-model:1b: pull model manifest: file does not exist',
    );
  });

  it('uploads a file as a blob named by its SHA-256, once', async () => {
    const adapter = path.join(temp.dir, 'adapter.gguf');
    const bytes = Buffer.from('GGUF adapter weights '.repeat(5000));
    await fs.writeFile(adapter, bytes);
    const expected = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

    expect(await client.hasBlob(expected)).toBe(false);
    const digest = await client.pushBlob(adapter);
    const again = await client.pushBlob(adapter);

    expect(digest).toBe(expected);
    expect(again).toBe(expected);
    expect(await client.hasBlob(expected)).toBe(true);
    const uploads = stub.requests.filter((request) => request.method === 'POST');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ path: `/api/blobs/${expected}`, bodyBytes: bytes.length });
  });

  it('creates a model from a base and an adapter', async () => {
    const adapter = path.join(temp.dir, 'adapter.gguf');
    await fs.writeFile(adapter, 'LoRA weights');
    const digest = await client.pushBlob(adapter);
    const progress: string[] = [];

    await client.createModel({
      model: 'reposage-tuned',
      from: 'qwen2.5-coder:7b',
      adapters: { 'adapter.gguf': digest },
      system: 'You answer questions about this repository.',
      parameters: { temperature: 0.2 },
      onProgress: (line) => progress.push(line.status),
    });

    expect(stub.requestsTo('/api/create')[0].body).toMatchObject({
      model: 'reposage-tuned',
      from: 'qwen2.5-coder:7b',
      adapters: { 'adapter.gguf': digest },
      parameters: { temperature: 0.2 },
    });
    expect(progress).toContain(`using existing layer ${digest}`);
    expect(progress.at(-1)).toBe('success');
    expect((await client.listModels()).map((model) => model.name)).toContain('reposage-tuned:latest');
    const info = await client.showModel('reposage-tuned');
    expect(info).toMatchObject({
      adapters: [digest],
      contextLength: 32768,
      details: { parentModel: 'qwen2.5-coder:7b' },
    });
  });

  it('fails to create from an adapter that was never uploaded, or from a missing base', async () => {
    const unknown = `sha256:${'0'.repeat(64)}`;

    const noBlob = client.createModel({ model: 'x', from: 'qwen2.5-coder:7b', adapters: { 'a.gguf': unknown } });
    const noBase = client.createModel({ model: 'x', from: 'llama3.2' });

    await expect(noBlob).rejects.toMatchObject({ code: 'OLLAMA_ERROR' });
    expect((await noBlob.catch((error) => error)).message).toContain(unknown);
    await expect(noBase).rejects.toMatchObject({ code: 'OLLAMA_MODEL_MISSING' });
    expect((await noBase.catch((error) => error)).hint).toContain('ollama pull llama3.2');
  });
});
