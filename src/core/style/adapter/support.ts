import path from 'node:path';
import type { AdapterFiles } from './files';

/*
 * Which bases Ollama can put a LoRA adapter on, read from its source (v0.17.4) rather than guessed:
 * - Models of these architectures always run on Ollama's own engine (fs/ggml/ggml.go,
 *   OllamaEngineRequired), whose runner refuses any adapter when it loads the model
 *   (runner/ollamarunner/runner.go: "loras are not yet implemented"). `/api/create` still succeeds,
 *   so without this check the user learns it only when the new model first fails to answer.
 * - `/api/create` converts a safetensors (PEFT) adapter only for llama and gemma2 bases
 *   (convert/convert.go, ConvertAdapter); any other fails with "unsupported architecture". A GGUF
 *   adapter loads on every base the llama.cpp runner runs.
 */
const OLLAMA_ENGINE_ARCHITECTURES: ReadonlySet<string> = new Set([
  'bert',
  'deepseek2',
  'deepseekocr',
  'gemma3',
  'gemma3n',
  'gptoss',
  'gpt-oss',
  'llama4',
  'mistral3',
  'mllama',
  'nemotron_h',
  'nemotron_h_moe',
  'nomic-bert',
  'olmo3',
  'qwen25vl',
  'qwen3',
  'qwen3moe',
  'qwen35',
  'qwen35moe',
  'qwen3next',
  'qwen3vl',
  'qwen3vlmoe',
  'glm4moelite',
  'glmocr',
  'lfm2',
  'lfm2moe',
]);

const SAFETENSORS_ADAPTER_ARCHITECTURES: readonly string[] = ['llama', 'gemma2'];

/** Why Ollama cannot apply an adapter in this format to a base of this architecture; undefined when it can. */
export function unsupportedAdapterReason(
  baseArchitecture: string,
  adapter: AdapterFiles,
): { reason: string; hint: string } | undefined {
  if (OLLAMA_ENGINE_ARCHITECTURES.has(baseArchitecture)) {
    return {
      reason:
        `${baseArchitecture} models run on Ollama's new engine, which does not apply LoRA adapters ` +
        `("loras are not yet implemented"); the model would be created but fail to load.`,
      hint: 'Train the adapter on a base Ollama runs on its llama.cpp engine (llama, qwen2, gemma2, mistral, …).',
    };
  }
  if (adapter.format === 'safetensors' && !SAFETENSORS_ADAPTER_ARCHITECTURES.includes(baseArchitecture)) {
    return {
      reason:
        `Ollama converts safetensors adapters only for ${SAFETENSORS_ADAPTER_ARCHITECTURES.join(' and ')} ` +
        `models, not ${baseArchitecture} ones.`,
      hint:
        `Convert it to GGUF with llama.cpp (python convert_lora_to_gguf.py --base <base model folder> ` +
        `${path.dirname(adapter.files[0].path)}) and register the .gguf file.`,
    };
  }
  return undefined;
}
