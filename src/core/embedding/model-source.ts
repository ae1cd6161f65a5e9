import { env } from '@huggingface/transformers';

/**
 * Points transformers.js at a local model folder (transformers.js layout: <Org>/<name>/...).
 * With a folder, nothing is ever downloaded: a missing file is an error, not a network request.
 * Without one, transformers.js falls back to its own cache and download, as on a normal machine.
 *
 * transformers.js keeps this in a process-wide `env`, so every model loader goes through here.
 */
export function useModelSource(modelsDir: string | undefined): void {
  if (modelsDir) {
    env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else {
    env.allowLocalModels = true;
    env.allowRemoteModels = true;
  }
}
