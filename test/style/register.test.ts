import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { OllamaClient } from '../../src/core/ollama';
import { registerAdapter } from '../../src/core/style/adapter/register';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { makeTempDir, writeTree } from '../support/temp-dir';
import { ggufWithMetadata } from '../support/gguf';

const MODELS = [
  { name: 'qwen2.5-coder:1.5b-instruct', family: 'qwen2', parameterSize: '1.5B' },
  { name: 'qwen2.5-coder:7b', family: 'qwen2', parameterSize: '7.6B' },
  { name: 'llama3.2:3b', family: 'llama', parameterSize: '3.2B' },
  { name: 'llama3.1:8b', family: 'llama', parameterSize: '8.0B' },
  { name: 'gemma2:2b', family: 'gemma2', parameterSize: '2.6B' },
  { name: 'gemma3:270m', family: 'gemma3', parameterSize: '268.10M' },
];

/** A safetensors file with one small tensor: an 8-byte header length, the JSON header, the data. */
function safetensors(): Buffer {
  const data = Buffer.alloc(16, 7);
  const header = Buffer.from(
    JSON.stringify({
      'base_model.model.layers.0.self_attn.q_proj.lora_A.weight': {
        dtype: 'F32',
        shape: [2, 2],
        data_offsets: [0, 16],
      },
    }),
  );
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, header, data]);
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('registering a LoRA adapter with Ollama (stand-in server)', () => {
  let stub: OllamaStub;
  let dir: string;
  let cleanup: () => Promise<void>;
  let ollama: OllamaClient;
  const config = {
    base_model_name_or_path: 'meta-llama/Llama-3.2-3B-Instruct',
    peft_type: 'LORA',
    r: 16,
    lora_alpha: 32,
    target_modules: ['q_proj', 'v_proj'],
  };
  const qwenConfig = { ...config, base_model_name_or_path: 'Qwen/Qwen2.5-Coder-1.5B-Instruct' };

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('reposage-register-'));
    stub = await startOllamaStub({ models: MODELS });
    ollama = new OllamaClient({ host: stub.url });
  });
  afterEach(async () => {
    await stub.close();
    await cleanup();
  });

  async function peftAdapter(
    adapterConfig: object = config,
  ): Promise<{ folder: string; digests: Record<string, string> }> {
    const folder = path.join(dir, 'adapter');
    const files = {
      'adapter_config.json': Buffer.from(JSON.stringify(adapterConfig)),
      'adapter_model.safetensors': safetensors(),
    };
    await writeTree(folder, { ...files, 'training_report.json': '{}' });
    return { folder, digests: Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, sha256(bytes)])) };
  }

  it('uploads each file as a blob by its sha256 (HEAD, then POST), then creates the model from the base', async () => {
    const { folder, digests } = await peftAdapter();
    const progress: string[] = [];
    const result = await registerAdapter({
      adapterPath: folder,
      base: 'llama3.2:3b',
      name: 'tablekit-style',
      ollama,
      onProgress: (event) => progress.push(event.stage === 'upload' ? `upload ${event.file}` : event.status),
    });

    const blobRequests = stub.requests
      .filter((request) => request.path.startsWith('/api/blobs/'))
      .map((r) => `${r.method} ${r.path}`);
    expect(blobRequests).toEqual([
      `HEAD /api/blobs/${digests['adapter_config.json']}`,
      `POST /api/blobs/${digests['adapter_config.json']}`,
      `HEAD /api/blobs/${digests['adapter_model.safetensors']}`,
      `POST /api/blobs/${digests['adapter_model.safetensors']}`,
    ]);
    const [create] = stub.requestsTo('/api/create');
    expect(create.body).toMatchObject({
      model: 'tablekit-style',
      from: 'llama3.2:3b',
      adapters: digests,
      stream: true,
    });
    expect(result.adapters).toEqual(digests);
    expect(result.check).toMatchObject({
      adapterArchitectures: ['llama'],
      baseArchitecture: 'llama',
      problems: [],
      unchecked: [],
    });
    expect(progress.slice(0, 2)).toEqual(['upload adapter_config.json', 'upload adapter_model.safetensors']);
    expect(progress.at(-1)).toBe('success');
    // The model exists now, with the adapter on top of the base.
    const created = await ollama.showModel('tablekit-style');
    expect(created.adapters.sort()).toEqual(Object.values(digests).sort());
    expect(created.details.parentModel).toBe('llama3.2:3b');
  });

  it('sends no blob twice: a second registration only looks the blobs up', async () => {
    const { folder } = await peftAdapter();
    await registerAdapter({ adapterPath: folder, base: 'llama3.2:3b', name: 'style-a', ollama });
    const before = stub.requests.length;
    await registerAdapter({ adapterPath: folder, base: 'llama3.2:3b', name: 'style-b', ollama });
    const again = stub.requests
      .slice(before)
      .map((request) => `${request.method} ${request.path.split('/').slice(0, 3).join('/')}`);
    expect(again.filter((line) => line === 'POST /api/blobs')).toEqual([]);
    expect(again.filter((line) => line === 'HEAD /api/blobs')).toHaveLength(2);
  });

  it('refuses an adapter of another model family with a clear message, and uploads nothing', async () => {
    const { folder } = await peftAdapter(qwenConfig);
    const error = await registerAdapter({ adapterPath: folder, base: 'llama3.2:3b', name: 'wrong', ollama }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(RepoSageError);
    expect(error.code).toBe('ADAPTER_MISMATCH');
    expect(error.message).toBe(
      'The adapter does not fit llama3.2:3b: llama3.2:3b is a llama model, but the adapter was trained on ' +
        'Qwen/Qwen2.5-Coder-1.5B-Instruct (qwen2). ' +
        'llama3.2:3b has 3.2B parameters, but the adapter was trained on a 1.5B-parameter model.',
    );
    expect(error.hint).toMatch(/--force/);
    expect(
      stub.requests.filter((request) => request.path.startsWith('/api/blobs/') || request.path === '/api/create'),
    ).toEqual([]);
  });

  it('refuses the right family at the wrong size, and registers it anyway with force', async () => {
    const { folder } = await peftAdapter();
    const refused = await registerAdapter({ adapterPath: folder, base: 'llama3.1:8b', name: 'big', ollama }).catch(
      (e) => e,
    );
    expect(refused.code).toBe('ADAPTER_MISMATCH');
    expect(refused.message).toContain(
      'llama3.1:8b has 8.0B parameters, but the adapter was trained on a 3B-parameter model.',
    );

    const forced = await registerAdapter({
      adapterPath: folder,
      base: 'llama3.1:8b',
      name: 'big',
      ollama,
      force: true,
    });
    expect(forced.check.problems).toHaveLength(1);
    expect(stub.requestsTo('/api/create')).toHaveLength(1);
  });

  it('reads the architecture from a local base folder the adapter was trained from', async () => {
    await writeTree(path.join(dir, 'tiny-base'), { 'config.json': JSON.stringify({ model_type: 'llama' }) });
    const { folder } = await peftAdapter({ ...config, base_model_name_or_path: path.join(dir, 'tiny-base') });
    const refused = await registerAdapter({ adapterPath: folder, base: 'gemma2:2b', name: 'x', ollama }).catch(
      (e) => e,
    );
    expect(refused.message).toContain('gemma2:2b is a gemma2 model, but the adapter was trained on');
    expect(refused.message).toContain('tiny-base (llama)');
    const ok = await registerAdapter({ adapterPath: folder, base: 'llama3.2:3b', name: 'x', ollama });
    expect(ok.check.unchecked).toEqual(['the model size']);
  });

  it("counts a local base folder's parameters from its safetensors headers, to check the size", async () => {
    // Header only: the count comes from the shapes, and the weights are never read.
    const header = Buffer.from(
      JSON.stringify({
        __metadata__: { format: 'pt' },
        'model.embed_tokens.weight': { dtype: 'F32', shape: [100_000, 2_000], data_offsets: [0, 0] },
        'model.layers.0.mlp.up_proj.weight': { dtype: 'F32', shape: [3_000, 1_000_000], data_offsets: [0, 0] },
      }),
    );
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    await writeTree(path.join(dir, 'local-3b'), {
      'config.json': JSON.stringify({ model_type: 'llama' }),
      'model-00001-of-00002.safetensors': Buffer.concat([length, header]),
      'model-00002-of-00002.safetensors': safetensors(),
    });
    const { folder } = await peftAdapter({ ...config, base_model_name_or_path: path.join(dir, 'local-3b') });

    const ok = await registerAdapter({ adapterPath: folder, base: 'llama3.2:3b', name: 'x', ollama });
    expect(ok.check).toMatchObject({ problems: [], unchecked: [] });
    expect(ok.check.adapterSizeBillions).toBeCloseTo(3.2, 6);
    const refused = await registerAdapter({ adapterPath: folder, base: 'llama3.1:8b', name: 'y', ollama }).catch(
      (e) => e,
    );
    expect(refused.message).toContain(
      'llama3.1:8b has 8.0B parameters, but the adapter was trained on a 3.2B-parameter',
    );
  });

  it('registers a LoRA adapter converted to GGUF, checked by its general.architecture', async () => {
    const bytes = ggufWithMetadata({
      'general.architecture': 'llama',
      'general.type': 'adapter',
      'adapter.type': 'lora',
      'general.size_label': '3.2B',
    });
    const file = path.join(dir, 'style.gguf');
    await fs.writeFile(file, bytes);

    const refused = await registerAdapter({ adapterPath: file, base: 'qwen2.5-coder:7b', name: 'g', ollama }).catch(
      (e) => e,
    );
    expect(refused.code).toBe('ADAPTER_MISMATCH');

    const result = await registerAdapter({ adapterPath: file, base: 'llama3.2:3b', name: 'g', ollama });
    expect(result.format).toBe('gguf');
    expect(stub.requestsTo('/api/create')[0].body).toMatchObject({
      model: 'g',
      from: 'llama3.2:3b',
      adapters: { 'style.gguf': sha256(bytes) },
    });
  });

  /** Requests that would have put something into the server: blob uploads and model creation. */
  const writes = () =>
    stub.requests.filter((request) => request.path.startsWith('/api/blobs/') || request.path === '/api/create');

  it("refuses any adapter on a base that runs on Ollama's new engine, before uploading, even with force", async () => {
    const { folder } = await peftAdapter({ ...config, base_model_name_or_path: 'google/gemma-3-270m' });
    const ggufFile = path.join(dir, 'gemma3.gguf');
    await fs.writeFile(
      ggufFile,
      ggufWithMetadata({ 'general.architecture': 'gemma3', 'general.type': 'adapter', 'adapter.type': 'lora' }),
    );
    for (const adapterPath of [folder, ggufFile]) {
      const error = await registerAdapter({ adapterPath, base: 'gemma3:270m', name: 'g3', ollama, force: true }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(RepoSageError);
      expect(error.code).toBe('ADAPTER_UNSUPPORTED');
      expect(error.message).toBe(
        "Ollama cannot apply this adapter to gemma3:270m: gemma3 models run on Ollama's new engine, which " +
          'does not apply LoRA adapters ' +
          '("loras are not yet implemented"); the model would be created but fail to load.',
      );
      expect(error.hint).toMatch(/llama\.cpp engine/);
    }
    expect(writes()).toEqual([]);
  });

  it('refuses safetensors Ollama does not convert for the base, pointing at GGUF, which registers', async () => {
    const { folder } = await peftAdapter(qwenConfig);
    const error = await registerAdapter({
      adapterPath: folder,
      base: 'qwen2.5-coder:1.5b-instruct',
      name: 'q',
      ollama,
    }).catch((e) => e);
    expect(error.code).toBe('ADAPTER_UNSUPPORTED');
    expect(error.message).toContain(
      'Ollama converts safetensors adapters only for llama and gemma2 models, not qwen2 ones.',
    );
    expect(error.hint).toContain(`convert_lora_to_gguf.py --base <base model folder> ${folder})`);
    expect(writes()).toEqual([]);

    const file = path.join(dir, 'qwen.gguf');
    await fs.writeFile(
      file,
      ggufWithMetadata({
        'general.architecture': 'qwen2',
        'general.type': 'adapter',
        'adapter.type': 'lora',
        'general.size_label': '1.5B',
      }),
    );
    const result = await registerAdapter({ adapterPath: file, base: 'qwen2.5-coder:1.5b-instruct', name: 'q', ollama });
    expect(result.check.problems).toEqual([]);
  });

  it('says what is missing from an incomplete adapter folder', async () => {
    await writeTree(path.join(dir, 'half'), { 'adapter_config.json': JSON.stringify(config) });
    const error = await registerAdapter({
      adapterPath: path.join(dir, 'half'),
      base: 'llama3.2:3b',
      name: 'x',
      ollama,
    }).catch((e) => e);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('lacks adapter_model.safetensors');
  });
});
