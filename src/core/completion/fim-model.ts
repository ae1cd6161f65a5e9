import { RepoSageError } from '../errors';
import type { ModelInfo, OllamaClient } from '../ollama';

/** Base code models whose Ollama templates complete between a prefix and a suffix. */
export const FIM_MODELS = ['qwen2.5-coder:1.5b-base', 'codellama:7b-code', 'starcoder2:3b'];

export const DEFAULT_COMPLETION_MODEL = 'qwen2.5-coder:1.5b-base';

/**
 * Looks the model up and refuses one that cannot fill in the middle: instruct and chat models
 * ignore the suffix (or Ollama rejects it), so their suggestions would not fit the code after the cursor.
 */
export async function requireFimModel(ollama: OllamaClient, model: string, signal?: AbortSignal): Promise<ModelInfo> {
  const info = await ollama.showModel(model, signal);
  if (!info.supportsFim) {
    throw new RepoSageError(
      'OLLAMA_NO_FIM',
      `The model ${model} cannot complete code between the text before and after the cursor (fill-in-the-middle): its template has no suffix.`,
      `Use a base code model such as ${FIM_MODELS.join(', ')} (\`ollama pull ${FIM_MODELS[0]}\`) as {setting:completionModel}.`,
    );
  }
  return info;
}
