import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModels } from '../support/models';
import { runCliInProcess } from '../support/run-cli-in-process';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { makeTempDir, writeTree } from '../support/temp-dir';
import { makeStyleRepo } from './style-fixture';

const style = (args: string[]) => runCliInProcess(['style', ...args]);

describe('reposage style', () => {
  let dir: string;
  let root: string;
  let cleanup: () => Promise<void>;
  let stub: OllamaStub;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('reposage-style-cli-'));
    root = path.join(dir, 'tablekit');
    await fs.mkdir(root);
    await makeStyleRepo(root);
    stub = await startOllamaStub({
      models: [
        { name: 'qwen2.5-coder:1.5b-instruct', family: 'qwen2', parameterSize: '1.5B' },
        { name: 'llama3.2:3b', family: 'llama', parameterSize: '3.2B' },
        { name: 'gemma2:2b', family: 'gemma2', parameterSize: '2.6B' },
        // What `style register` made earlier, for `style compare`.
        { name: 'tablekit-style', family: 'qwen2', parameterSize: '1.5B' },
      ],
    });
  });
  afterAll(async () => {
    await stub?.close();
    await cleanup?.();
  });

  it('export --json writes the dataset and reports counts per kind and split, warnings and files', async () => {
    const out = path.join(dir, 'dataset');
    const result = await style(['export', root, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { counts, totals, warnings, files } = result.json;
    expect(Object.keys(counts)).toEqual(['implement', 'document', 'commit']);
    expect(counts.implement.train + counts.implement.validation).toBeGreaterThan(0);
    expect(totals.train + totals.validation).toBe(
      Object.values(counts as Record<string, { train: number; validation: number }>).reduce(
        (sum, c) => sum + c.train + c.validation,
        0,
      ),
    );
    expect(warnings.join(' ')).toContain('fewer than 500');
    expect(files.map((file: string) => path.relative(out, file)).sort()).toEqual([
      'README.md',
      'train.jsonl',
      'train.meta.jsonl',
      'validation.jsonl',
      'validation.meta.jsonl',
    ]);
  });

  it('export without --out says what is missing', async () => {
    const result = await style(['export', root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "reposage: Required option '--out <dir>' not specified. Usage: reposage style export [options] " +
        '[dir]; see `reposage style export --help`.\n',
    );
  });

  it('advise prints the recommendation with its evidence', async () => {
    const result = await style(['advise', root]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Recommendation: RAG only/);
    expect(result.stdout).toContain('Only you can answer:');
  });

  it('register --json creates the model in Ollama; a mismatched base is refused', async () => {
    const adapter = path.join(dir, 'adapter');
    await writeTree(adapter, {
      'adapter_config.json': JSON.stringify({
        base_model_name_or_path: 'meta-llama/Llama-3.2-3B-Instruct',
        peft_type: 'LORA',
      }),
      'adapter_model.safetensors': Buffer.alloc(64, 1),
    });
    const ok = await style([
      'register',
      '--adapter',
      adapter,
      '--base',
      'llama3.2:3b',
      '--name',
      'tablekit-style-2',
      '--ollama',
      stub.url,
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ model: 'tablekit-style-2', base: 'llama3.2:3b', format: 'safetensors' });
    expect(Object.keys(ok.json.adapters)).toEqual(['adapter_config.json', 'adapter_model.safetensors']);

    const refused = await style([
      'register',
      '--adapter',
      adapter,
      '--base',
      'gemma2:2b',
      '--name',
      'wrong',
      '--ollama',
      stub.url,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        'gemma2:2b is a gemma2 model, but the adapter was trained on ' +
          String.raw`meta-llama\/Llama-3\.2-3B-Instruct \(llama\).*--force`,
      ),
    );
  });

  it('compare --json exports the validation split, builds the index, reports the four configurations', async () => {
    const golden = path.join(dir, 'golden.jsonl');
    await fs.writeFile(
      golden,
      `${JSON.stringify({
        id: 'csv',
        question: 'How is a CSV file read into a table?',
        expected: [{ path: 'src/parse.ts' }],
      })}\n`,
    );
    const result = await style([
      'compare',
      root,
      '--base',
      'qwen2.5-coder:1.5b-instruct',
      '--tuned',
      'tablekit-style',
      '--golden',
      golden,
      '--db',
      path.join(dir, 'index'),
      '--models',
      testModels().modelsDir,
      '--ollama',
      stub.url,
      '--limit',
      '3',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.rows.map((row: { config: string }) => row.config)).toEqual([
      'base',
      'base+RAG',
      'tuned',
      'tuned+RAG',
    ]);
    for (const row of result.json.rows) {
      expect(row.style.examples).toBeGreaterThan(0);
      expect(row.style.examples).toBeLessThanOrEqual(3);
      expect(row.facts.questions).toBe(1);
    }
  });

  it('names the actions when given an unknown one', async () => {
    const result = await style(['train']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        String.raw`^reposage: Unknown command 'train'\. Commands: advise, export, register, compare; see ` +
          String.raw`\`reposage style --help\`\.\n$`,
      ),
    );
  });
});
