import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RepoSageError } from '../../errors';
import { architecturesFromModelType, architecturesFromName, parameterBillions } from './architecture';
import { readGgufMetadata } from './gguf';

/** A LoRA adapter on disk, and what it says about the model it was trained on. */
export interface AdapterFiles {
  format: 'safetensors' | 'gguf';
  /** The files Ollama needs, by the name /api/create gets them under. */
  files: Array<{ name: string; path: string }>;
  /** The base model it names (adapter_config's base_model_name_or_path, or the GGUF's base name). */
  baseModel?: string;
  /** Ollama architectures the adapter fits; undefined when nothing says. */
  architectures?: string[];
  sizeBillions?: number;
}

/** PEFT's output: the configuration and the weights. */
const PEFT_CONFIG = 'adapter_config.json';
const PEFT_WEIGHTS = 'adapter_model.safetensors';

/** Reads an adapter folder (PEFT: adapter_config.json + adapter_model.safetensors) or a LoRA .gguf file. */
export async function inspectAdapter(adapterPath: string): Promise<AdapterFiles> {
  const resolved = path.resolve(adapterPath);
  let stats: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stats = await fs.stat(resolved);
  } catch (error) {
    throw new RepoSageError(
      'FILE_UNREADABLE',
      `No adapter at ${resolved}.`,
      'Pass the folder the training recipe wrote (--out), or a LoRA .gguf file.',
      { cause: error },
    );
  }
  if (stats.isDirectory()) return inspectPeftFolder(resolved);
  if (resolved.toLowerCase().endsWith('.gguf')) return inspectGguf(resolved);
  throw new RepoSageError(
    'INVALID_INPUT',
    `${resolved} is neither an adapter folder nor a .gguf file.`,
    `Pass the folder with ${PEFT_CONFIG} and ${PEFT_WEIGHTS}, or a LoRA adapter converted to GGUF.`,
  );
}

async function inspectPeftFolder(folder: string): Promise<AdapterFiles> {
  const names = await fs.readdir(folder);
  const missing = [PEFT_CONFIG, PEFT_WEIGHTS].filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `The adapter folder ${folder} lacks ${missing.join(' and ')}.`,
      'Pass the folder the training recipe wrote (--out): it holds adapter_config.json and adapter_model.safetensors.',
    );
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await fs.readFile(path.join(folder, PEFT_CONFIG), 'utf8'));
  } catch (error) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `${path.join(folder, PEFT_CONFIG)} is not valid JSON.`,
      'Train or export the adapter again.',
      { cause: error },
    );
  }
  const baseModel = typeof config.base_model_name_or_path === 'string' ? config.base_model_name_or_path : undefined;
  const modelType = baseModel ? await localModelType(baseModel, folder) : undefined;
  return {
    format: 'safetensors',
    files: [PEFT_CONFIG, PEFT_WEIGHTS].map((name) => ({ name, path: path.join(folder, name) })),
    baseModel,
    architectures: modelType
      ? architecturesFromModelType(modelType)
      : baseModel
        ? architecturesFromName(baseModel)
        : undefined,
    sizeBillions: baseModel ? parameterBillions(baseModel) : undefined,
  };
}

/**
 * When the base was a local folder (trained with --base ./model), its config.json names the
 * architecture exactly. Relative paths are tried from here and from the adapter folder.
 */
async function localModelType(baseModel: string, adapterFolder: string): Promise<string | undefined> {
  for (const candidate of new Set([path.resolve(baseModel), path.resolve(adapterFolder, baseModel)])) {
    try {
      const config = JSON.parse(await fs.readFile(path.join(candidate, 'config.json'), 'utf8'));
      if (typeof config.model_type === 'string') return config.model_type;
    } catch {
      // Not a local folder: a hub id, judged by its name.
    }
  }
  return undefined;
}

async function inspectGguf(file: string): Promise<AdapterFiles> {
  const metadata = await readGgufMetadata(file);
  if (!metadata)
    throw new RepoSageError(
      'INVALID_INPUT',
      `${file} is not a GGUF file.`,
      "Convert the adapter with llama.cpp's convert_lora_to_gguf.py.",
    );
  const type = metadata.get('general.type');
  if (type !== undefined && type !== 'adapter') {
    throw new RepoSageError(
      'INVALID_INPUT',
      `${file} is a whole model (general.type "${type}"), not an adapter.`,
      'Pass a LoRA adapter; a whole model is imported with `ollama create` instead.',
    );
  }
  const architecture = metadata.get('general.architecture');
  const baseModel = metadata.get('general.basename') ?? metadata.get('general.name');
  const sizeLabel = metadata.get('general.size_label');
  return {
    format: 'gguf',
    files: [{ name: path.basename(file), path: file }],
    baseModel: typeof baseModel === 'string' ? baseModel : undefined,
    architectures: typeof architecture === 'string' ? [architecture] : undefined,
    sizeBillions: typeof sizeLabel === 'string' ? parameterBillions(sizeLabel) : undefined,
  };
}
