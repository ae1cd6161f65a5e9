/**
 * A LoRA adapter applied by the real Ollama server: the mechanics, not the quality. The base is a
 * tiny Llama with random initial weights (make_tiny_base.py --byte-level, its tokenizer trained on
 * the dataset that `reposage style export` made from a fixture repository), imported with
 * `ollama create` from safetensors. The project's recipe trains an adapter on that dataset for a few
 * CPU steps, `reposage style register` puts it on the base, and the server's answers at temperature 0
 * show whether it applied it. Llama is one of the two architectures Ollama 0.17.4 converts safetensors
 * adapters for (convert/convert.go, ConvertAdapter), and runs on its llama.cpp engine, which applies them.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OllamaClient } from '../../src/core/ollama';
import { repoRoot } from '../support/build-dist';
import { SMALL_MODEL } from '../support/real-ollama';
import { startRecordingProxy } from '../support/recording-proxy';
import { runCli } from '../support/run-cli';
import { makeTempDir } from '../support/temp-dir';
import { makeStyleRepo } from './style-fixture';

const run = promisify(execFile);
const BASE = 'reposage-tiny-llama';
const TUNED = 'reposage-tiny-llama-style';
/** The tiny base's chat format (make_tiny_base.py's template), in Ollama's template language. */
const MODELFILE_TEMPLATE =
  'TEMPLATE """{{ range .Messages }}<|{{ .Role }}|> {{ .Content }} <|end|> {{ end }}<|assistant|> """\n' +
  'PARAMETER stop <|end|>\n';
const GREEDY = { temperature: 0, seed: 1, num_predict: 24 };

describe('a LoRA adapter trained by the recipe, registered on the real Ollama server', () => {
  const url = inject('ollamaUrl');
  const client = new OllamaClient({ host: url });
  let work: string;
  let cleanup: () => Promise<void>;
  let repo: string;
  let data: string;
  let adapter: string;
  let registered: { adapters: Record<string, string> };

  const python = (venvPython: string, script: string, args: string[]) =>
    run(venvPython, [script, ...args], {
      env: {
        ...process.env,
        HF_HUB_OFFLINE: '1',
        HF_HOME: path.join(work, 'hf-home'),
        PYTHONDONTWRITEBYTECODE: '1',
        TOKENIZERS_PARALLELISM: 'false',
      },
      maxBuffer: 64 * 1024 * 1024,
    });

  beforeAll(async () => {
    const venv = execFileSync(process.execPath, [path.join(repoRoot, 'test/support/training-venv.mjs')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const venvPython = (JSON.parse(venv) as { python: string }).python;
    ({ dir: work, cleanup } = await makeTempDir('reposage-lora-real-'));
    repo = path.join(work, 'tablekit');
    data = path.join(work, 'data');
    adapter = path.join(work, 'adapter');
    const base = path.join(work, 'base');
    await fs.mkdir(repo);
    await makeStyleRepo(repo);

    const exported = await runCli(['style', 'export', repo, '--out', data, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    await python(venvPython, path.join(__dirname, 'make_tiny_base.py'), [
      '--data',
      data,
      '--out',
      base,
      '--byte-level',
    ]);
    await fs.writeFile(path.join(work, 'Modelfile'), `FROM ${base}\n${MODELFILE_TEMPLATE}`);
    await run(inject('ollamaBin'), ['create', BASE, '-f', path.join(work, 'Modelfile')], {
      env: { ...process.env, OLLAMA_HOST: new URL(url).host },
    });
    // The recipe's 2e-4 suits a pretrained base; a random tiny one needs a bolder rate to move in a few steps.
    await python(venvPython, path.join(repoRoot, 'src/style/recipe/train_lora.py'), [
      '--cpu',
      '--base',
      base,
      '--data',
      data,
      '--out',
      adapter,
      '--epochs',
      '3',
      '--lr',
      '1e-2',
      '--batch-size',
      '4',
      '--grad-accum',
      '1',
      '--max-seq-len',
      '512',
    ]);
  }, 20 * 60_000);
  afterAll(async () => {
    for (const model of [TUNED, BASE]) {
      await fetch(`${url}/api/delete`, { method: 'DELETE', body: JSON.stringify({ model }) });
    }
    await cleanup?.();
  });

  it('register puts the adapter on the base, and the server answers otherwise with it', async () => {
    const result = await runCli([
      'style',
      'register',
      '--adapter',
      adapter,
      '--base',
      BASE,
      '--name',
      TUNED,
      '--ollama',
      url,
      '--json',
    ]);

    expect(result.code, result.stderr).toBe(0);
    registered = result.json;
    expect(Object.keys(registered.adapters).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const tuned = await client.showModel(TUNED);
    expect(tuned.architecture).toBe('llama');
    expect(tuned.adapters).toHaveLength(1);

    // Same prompt, greedy decoding: only the adapter can make the two answers differ.
    const prompt = [{ role: 'user' as const, content: 'Write a function to read a CSV file into a table.' }];
    const answer = async (model: string) => (await client.chat({ model, messages: prompt, options: GREEDY })).text;
    const before = await answer(BASE);
    const after = await answer(TUNED);
    expect(before).not.toBe('');
    expect(after).not.toBe('');
    expect(after).not.toBe(before);
    // And the base alone is repeatable at temperature 0, so the difference is not noise.
    expect(await answer(BASE)).toBe(before);
  });

  it('style compare runs the base and the tuned model on the held-out examples', async () => {
    expect(registered, 'register must have run').toBeDefined();
    const result = await runCli([
      'style',
      'compare',
      repo,
      '--base',
      BASE,
      '--tuned',
      TUNED,
      '--data',
      data,
      '--db',
      path.join(work, 'index'),
      '--ollama',
      url,
      '--limit',
      '2',
      '--json',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.rows.map((row: { config: string }) => row.config)).toEqual([
      'base',
      'base+RAG',
      'tuned',
      'tuned+RAG',
    ]);
    for (const row of result.json.rows) expect(row.style.examples).toBeGreaterThan(0);
  });

  it('register refuses a base on the new engine before uploading anything, naming the reason', async () => {
    const proxy = await startRecordingProxy(url);
    try {
      const result = await runCli([
        'style',
        'register',
        '--adapter',
        adapter,
        '--base',
        SMALL_MODEL,
        '--name',
        `${TUNED}-gemma`,
        '--ollama',
        proxy.url,
      ]);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Ollama cannot apply this adapter to ${SMALL_MODEL}`);
      expect(result.stderr).toContain('loras are not yet implemented');
      expect(proxy.exchanges.map((exchange) => exchange.path)).toEqual(['/api/show']);
    } finally {
      await proxy.close();
    }
  });
});
