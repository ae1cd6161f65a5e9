import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The training venv's Python, for the tests that run the LoRA recipe and its helper scripts. The
 * venv (about 4.9 GB, a few minutes on a fresh machine) lives outside the repository and is reused
 * across runs: test/support/training-venv.mjs.
 */

const repoRoot = path.resolve(__dirname, '..', '..');
export const RECIPE = path.join(repoRoot, 'src/style/recipe/train_lora.py');
export const MAKE_TINY_BASE = path.join(__dirname, 'make_tiny_base.py');
export const EVALUATE_ADAPTER = path.join(__dirname, 'evaluate_adapter.py');

export interface PythonResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Builds the venv unless it is complete already (milliseconds then); returns its interpreter. */
export function trainingPython(): string {
  const venv = execFileSync(process.execPath, [path.join(repoRoot, 'test/support/training-venv.mjs')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return (JSON.parse(venv) as { python: string }).python;
}

/** Runs a Python script offline, with its Hugging Face cache under `work`, resolving with its exit code either way. */
export function runPython(python: string, work: string, script: string, args: string[]): Promise<PythonResult> {
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

/** runPython, failing with the script's output when it exits non-zero. */
export async function runPythonOk(python: string, work: string, script: string, args: string[]): Promise<PythonResult> {
  const result = await runPython(python, work, script, args);
  if (result.code !== 0) {
    throw new Error(`${path.basename(script)} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}
