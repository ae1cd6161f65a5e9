import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EMBEDDING_MODEL } from '../defaults';

/**
 * Where local models live when the user named no folder: the folder bundled next to the code (the
 * VSIX ships one), then the cache the test-model provisioning fills. A folder counts only if it
 * holds the embedding model. Undefined lets transformers.js use its own cache and download, as on a
 * normal machine.
 */
export function defaultModelsDir(
  bundledDir: string | undefined,
  modelId = DEFAULT_EMBEDDING_MODEL,
): string | undefined {
  const candidates = [
    process.env.REPOSAGE_MODELS_DIR,
    bundledDir,
    process.env.REPOSAGE_MODELS_CACHE ?? path.join(os.homedir(), '.cache', 'reposage', 'models'),
  ];
  return candidates.find((dir): dir is string => !!dir && hasModel(dir, modelId));
}

/** Whether a models folder holds a model in transformers.js layout. */
export function hasModel(modelsDir: string | undefined, modelId: string): boolean {
  return modelsDir !== undefined && existsSync(path.join(modelsDir, modelId, 'config.json'));
}
