import type { ModelInfo, OllamaClient } from '../ollama';

/** Base code models whose Ollama templates complete between a prefix and a suffix. */
export const FIM_MODELS = ['qwen2.5-coder:1.5b-base', 'codellama:7b-code', 'starcoder2:3b'];

/** The completion model and how it is prompted: fill-in-the-middle, or the text before the cursor only. */
export interface CompletionModel {
  info: ModelInfo;
  fim: boolean;
}

/**
 * Looks the model up. One that can fill in the middle (Ollama lists `insert` among its capabilities)
 * sees the code after the cursor too; any other is still used, with the text before the cursor
 * alone, since a chat model is often all a user has pulled.
 */
export async function describeCompletionModel(
  ollama: Pick<OllamaClient, 'showModel'>,
  model: string,
  signal?: AbortSignal,
): Promise<CompletionModel> {
  const info = await ollama.showModel(model, signal);
  return { info, fim: info.supportsFim };
}

/** Said once per session when the model cannot see past the cursor: what that costs and what fixes it. */
export function prefixOnlyNotice(model: string): string {
  return (
    `${model} cannot fill in the middle, so suggestions see only the code before the cursor. ` +
    `For suggestions that fit the code after it, use a base code model such as ${FIM_MODELS[0]} ` +
    `(\`ollama pull ${FIM_MODELS[0]}\`).`
  );
}
