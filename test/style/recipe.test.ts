/**
 * Mechanics test of the LoRA recipe (src/style/recipe/train_lora.py), not a quality test: a tiny,
 * randomly initialised Llama (built by make_tiny_base.py, no model hub needed) trains on the CPU on
 * a synthetic dataset with one consistent style. It checks that the recipe runs end to end, that
 * its losses fall, that early stopping keeps the best epoch, and what it writes; whether an adapter
 * improves a real model's code is beyond what a CPU test can tell.
 *
 * The Python venv (about 4.9 GB, a few minutes on a fresh machine) lives outside the repository and
 * is reused across runs: test/support/training-venv.mjs.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir';

const repoRoot = path.resolve(__dirname, '..', '..');
const recipe = path.join(repoRoot, 'src/style/recipe/train_lora.py');
const makeTinyBase = path.join(__dirname, 'make_tiny_base.py');
const evaluateAdapter = path.join(__dirname, 'evaluate_adapter.py');

interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
interface Conversation {
  messages: Message[];
}
interface EpochRow {
  epoch: number;
  train_loss: number;
  eval_loss: number;
}
interface TrainingReport {
  base: string;
  parameters: { trainable: number; total: number; trainable_share: number };
  epochs: EpochRow[];
  best_eval_loss: number;
  stopped_early: boolean;
  config: { r: number; alpha: number; targets: string[] };
}
interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const VERBS = ['load', 'save', 'parse', 'render', 'index', 'delete', 'watch', 'fetch', 'merge', 'validate'];
const NOUNS = ['config', 'index', 'chunk', 'session', 'cache', 'manifest', 'token', 'workspace', 'snippet', 'report'];
const capitalize = (word: string) => word[0].toUpperCase() + word.slice(1);

/** The style to learn: every reply has the same shape, so a tiny model's loss can fall within seconds. */
function houseStyle(verb: string, noun: string): Conversation {
  const name = `${verb}${capitalize(noun)}`;
  return {
    messages: [
      { role: 'system', content: 'You write TypeScript in the RepoSage house style.' },
      { role: 'user', content: `Write a function to ${verb} the ${noun}.` },
      {
        role: 'assistant',
        content:
          `export async function ${name}(signal: AbortSignal): Promise<${capitalize(noun)}> {\n` +
          `  throwIfCancelled(signal);\n  // ${verb} the ${noun} through the store, never directly.\n` +
          `  return store.${name}();\n}`,
      },
    ],
  };
}

/** A different style, for a validation split whose loss rises as the house style is learned. */
function otherStyle(verb: string, noun: string): Conversation {
  return {
    messages: [
      { role: 'system', content: 'You write Python in a different house style.' },
      { role: 'user', content: `Write a function to ${verb} the ${noun}.` },
      {
        role: 'assistant',
        content: `def ${verb}_${noun}(self):\n    """${capitalize(verb)} the ${noun}."""\n    pass`,
      },
    ],
  };
}

/** All 100 verb/noun pairs in the house style: every tenth held out for validation. */
function houseStyleSplits(): { train: Conversation[]; validation: Conversation[] } {
  const all = VERBS.flatMap((verb) => NOUNS.map((noun) => houseStyle(verb, noun)));
  return {
    train: all.filter((_, i) => i % 10 !== 0),
    validation: all.filter((_, i) => i % 10 === 0),
  };
}

async function writeDataset(dir: string, splits: { train: Conversation[]; validation: Conversation[] }): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const jsonl = (rows: Conversation[]) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
  await fs.writeFile(path.join(dir, 'train.jsonl'), jsonl(splits.train));
  await fs.writeFile(path.join(dir, 'validation.jsonl'), jsonl(splits.validation));
}

/** Tensor names in a safetensors file, read from its header (8-byte length, then JSON). */
async function safetensorNames(file: string): Promise<string[]> {
  const bytes = await fs.readFile(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  return Object.keys(header).filter((name) => name !== '__metadata__');
}

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await fs.readFile(file, 'utf8')) as T;

describe('LoRA recipe: mechanics on a tiny CPU model (not a quality test)', () => {
  let python: string;
  let work: string;
  let cleanup: () => Promise<void>;

  /** Runs a Python script in the training venv, offline, resolving with its exit code either way. */
  function runPython(script: string, args: string[]): Promise<RunResult> {
    const env = {
      ...process.env,
      HF_HUB_OFFLINE: '1',
      HF_HOME: path.join(work, 'hf-home'),
      PYTHONDONTWRITEBYTECODE: '1',
      TOKENIZERS_PARALLELISM: 'false',
    };
    return new Promise((resolve) => {
      execFile(python, [script, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  async function runOk(script: string, args: string[]): Promise<RunResult> {
    const result = await runPython(script, args);
    if (result.code !== 0) {
      throw new Error(`${path.basename(script)} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** A dataset folder and a tiny base whose tokenizer knows that dataset's words. */
  async function prepare(name: string, splits: { train: Conversation[]; validation: Conversation[] }) {
    const data = path.join(work, name, 'data');
    const base = path.join(work, name, 'base');
    await writeDataset(data, splits);
    await runOk(makeTinyBase, ['--data', data, '--out', base]);
    return { data, base, out: path.join(work, name, 'adapter') };
  }

  beforeAll(async () => {
    const venv = execFileSync(process.execPath, [path.join(repoRoot, 'test/support/training-venv.mjs')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    python = (JSON.parse(venv) as { python: string }).python;
    ({ dir: work, cleanup } = await makeTempDir('reposage-lora-'));
  }, 20 * 60_000);

  afterAll(async () => {
    await cleanup?.();
  });

  describe('trained on one consistent style', () => {
    let base: string;
    let out: string;
    let report: TrainingReport;
    let stderr: string;

    beforeAll(async () => {
      const run = await prepare('house-style', houseStyleSplits());
      ({ base, out } = run);
      // The recipe's 2e-4 suits a pretrained base; a random tiny one needs a bolder rate to move in seconds.
      ({ stderr } = await runOk(recipe, [
        '--cpu',
        '--base',
        base,
        '--data',
        run.data,
        '--out',
        out,
        '--epochs',
        '8',
        '--lr',
        '1e-2',
        '--batch-size',
        '4',
        '--grad-accum',
        '1',
      ]));
      report = await readJson<TrainingReport>(path.join(out, 'training_report.json'));
    }, 5 * 60_000);

    it('lowers the training and validation loss over the epochs', () => {
      expect(report.stopped_early).toBe(false);
      expect(report.epochs.map((row) => row.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const first = report.epochs[0];
      const last = report.epochs[report.epochs.length - 1];
      // Measured: training loss about 4.75 -> 3.25, validation about 4.39 -> 3.31.
      expect(last.train_loss).toBeLessThan(first.train_loss * 0.8);
      expect(last.eval_loss).toBeLessThan(first.eval_loss * 0.85);
      expect(report.best_eval_loss).toBe(Math.min(...report.epochs.map((row) => row.eval_loss)));
    });

    it('writes a safetensors adapter whose config records rank, alpha, targets and base', async () => {
      const config = await readJson<Record<string, unknown>>(path.join(out, 'adapter_config.json'));
      expect(config).toMatchObject({ peft_type: 'LORA', r: 16, lora_alpha: 32, base_model_name_or_path: base });
      expect(config.target_modules).toEqual(expect.arrayContaining(['q_proj', 'v_proj']));

      const names = await safetensorNames(path.join(out, 'adapter_model.safetensors'));
      const adapted = (module: string) => names.filter((name) => name.includes(`.${module}.lora_`));
      // Two layers, each with an A and a B matrix per adapted projection; nothing else.
      expect(adapted('q_proj')).toHaveLength(4);
      expect(adapted('v_proj')).toHaveLength(4);
      expect(names).toHaveLength(8);
      await expect(fs.access(path.join(out, 'checkpoints'))).rejects.toThrow();
    });

    it('reports a small trainable share of parameters and raises no warning', () => {
      const { trainable, total, trainable_share } = report.parameters;
      expect(trainable).toBe(2 * 2 * (128 * 16 + 16 * 128)); // layers x projections x (A + B)
      expect(trainable_share).toBeCloseTo(trainable / total, 10);
      expect(trainable_share).toBeGreaterThan(0);
      expect(trainable_share).toBeLessThan(0.05);
      expect(stderr).not.toContain('WARNING');
      expect(report.config).toMatchObject({ r: 16, alpha: 32, targets: ['q_proj', 'v_proj'] });
    });

    it(
      'warns loudly when the adapter is too large a share of the model',
      async () => {
        const wide = path.join(work, 'house-style', 'wide-adapter');
        const result = await runOk(recipe, [
          '--cpu',
          '--base',
          base,
          '--data',
          path.join(work, 'house-style', 'data'),
          '--out',
          wide,
          '--epochs',
          '1',
          '--batch-size',
          '8',
          '--r',
          '64',
          '--targets',
          'q_proj,k_proj,v_proj,o_proj',
        ]);
        const wideReport = await readJson<TrainingReport>(path.join(wide, 'training_report.json'));
        expect(wideReport.parameters.trainable_share).toBeGreaterThan(0.05);
        expect(result.stderr).toMatch(/WARNING: \d+\.\d% of the parameters are trainable/);
      },
      2 * 60_000,
    );
  });

  it(
    "stops early when the validation loss rises, keeping the best epoch's adapter",
    async () => {
      // Validation in another style: learning the training style makes it less likely.
      const validation = ['open', 'close', 'sort', 'count', 'print'].flatMap((verb) =>
        ['file', 'list', 'queue', 'table'].map((noun) => otherStyle(verb, noun)),
      );
      const run = await prepare('rising-validation', { train: houseStyleSplits().train, validation });
      await runOk(recipe, [
        '--cpu',
        '--base',
        run.base,
        '--data',
        run.data,
        '--out',
        run.out,
        '--epochs',
        '6',
        '--lr',
        '1e-2',
        '--batch-size',
        '8',
        '--grad-accum',
        '1',
      ]);
      const report = await readJson<TrainingReport>(path.join(run.out, 'training_report.json'));

      expect(report.stopped_early).toBe(true);
      expect(report.epochs.length).toBeLessThan(6);
      expect(report.epochs[1].eval_loss).toBeGreaterThan(report.epochs[0].eval_loss);
      // The saved adapter scores the best epoch's validation loss, not the last epoch's.
      const scored = await runOk(evaluateAdapter, [
        '--base',
        run.base,
        '--adapter',
        run.out,
        '--data',
        run.data,
        '--batch-size',
        '8',
      ]);
      const { eval_loss } = JSON.parse(scored.stdout.trim().split('\n').pop()!) as { eval_loss: number };
      expect(eval_loss).toBeCloseTo(report.best_eval_loss, 4);
      expect(eval_loss).toBeLessThan(report.epochs[report.epochs.length - 1].eval_loss);
    },
    5 * 60_000,
  );

  it('names the missing data file and exits 2 before loading any model', async () => {
    const data = path.join(work, 'no-validation');
    await fs.mkdir(data, { recursive: true });
    await fs.writeFile(path.join(data, 'train.jsonl'), `${JSON.stringify(houseStyle('load', 'config'))}\n`);
    const out = path.join(work, 'x');
    const result = await runPython(recipe, ['--cpu', '--base', 'unused', '--data', data, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`missing ${path.join(data, 'validation.jsonl')}`);
    expect(result.stderr).not.toContain('Traceback');
  });

  it('points at the line of a conversation that does not end with the assistant', async () => {
    const data = path.join(work, 'malformed');
    const unanswered = { messages: houseStyle('load', 'config').messages.slice(0, 2) };
    await writeDataset(data, {
      train: [houseStyle('save', 'cache'), unanswered],
      validation: [houseStyle('load', 'cache')],
    });
    const out = path.join(work, 'z');
    const result = await runPython(recipe, ['--cpu', '--base', 'unused', '--data', data, '--out', out]);
    expect(result.code).toBe(2);
    const train = path.join(data, 'train.jsonl');
    expect(result.stderr).toContain(`${train}:2: the last message must be the assistant's reply`);
  });

  it(
    'says so, with exit 2, when the base model cannot load',
    async () => {
      const data = path.join(work, 'unloadable-base');
      await writeDataset(data, houseStyleSplits());
      const base = path.join(work, 'no-such-model');
      const result = await runPython(recipe, ['--cpu', '--base', base, '--data', data, '--out', path.join(work, 'y')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`cannot load the base model '${base}'`);
      expect(result.stderr).not.toContain('Traceback');
    },
    2 * 60_000,
  );
});
