import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ModelFileNotFoundError } from '@huggingface/transformers';
import { RepoSageError } from '../errors';
import { useModelSource } from './model-source';

const WHERE_TO_FIX =
  'Point {setting:modelsDir} at a folder that holds the model ' +
  'in transformers.js layout: <Org>/<name>/config.json, tokenizer.json and onnx/*.onnx.';

/**
 * ONNX Runtime settings for small, shared machines. Measured on 2 cores (batch 32, ~200-token texts):
 * one thread gives about 23 chunks/s, two about 43, so every core is used, capped at 4 so that a
 * background indexer does not take over a large machine. Idle ONNX threads spin by default, burning
 * cores the editor needs between calls; without spinning the throughput was the same on an idle machine, with ~10% less
 * CPU time,
 * and higher (22 against 16-18 chunks/s) while other processes competed for the cores.
 */
export const sessionOptions = {
  intraOpNumThreads: Math.min(4, os.availableParallelism()),
  interOpNumThreads: 1,
  // The Node binding flattens this to the config key "session.intra_op.allow_spinning".
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};

/**
 * Loads one model through transformers.js and turns its failures into errors the user can act on:
 * a missing folder or file is MODEL_NOT_FOUND (naming where it looked), anything else MODEL_LOAD_FAILED.
 */
export async function loadModel<T>(modelId: string, modelsDir: string | undefined, load: () => Promise<T>): Promise<T> {
  if (modelsDir) await requireModelFolder(modelId, modelsDir);
  useModelSource(modelsDir);
  try {
    return await load();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (error instanceof ModelFileNotFoundError) {
      throw new RepoSageError('MODEL_NOT_FOUND', `Model ${modelId} is incomplete: ${detail}`, WHERE_TO_FIX, {
        cause: error,
      });
    }
    throw new RepoSageError('MODEL_LOAD_FAILED', `Model ${modelId} could not be loaded: ${detail}`, WHERE_TO_FIX, {
      cause: error,
    });
  }
}

async function requireModelFolder(modelId: string, modelsDir: string): Promise<void> {
  const folder = path.join(modelsDir, modelId);
  const config = await stat(path.join(folder, 'config.json')).catch(() => undefined);
  if (!config?.isFile()) {
    throw new RepoSageError(
      'MODEL_NOT_FOUND',
      `Model ${modelId} was not found: ${folder} has no config.json.`,
      WHERE_TO_FIX,
    );
  }
}
