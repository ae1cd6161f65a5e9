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
  const local = baseModel ? await localBase(baseModel, folder) : undefined;
  return {
    format: 'safetensors',
    files: [PEFT_CONFIG, PEFT_WEIGHTS].map((name) => ({ name, path: path.join(folder, name) })),
    baseModel,
    architectures: local?.modelType
      ? architecturesFromModelType(local.modelType)
      : baseModel
        ? architecturesFromName(baseModel)
        : undefined,
    sizeBillions:
      local?.parameters !== undefined ? local.parameters / 1e9 : baseModel ? parameterBillions(baseModel) : undefined,
  };
}

/**
 * When the base was a local folder (trained with --base ./model), its config.json names the
 * architecture exactly and its weights give the size, which its name rarely does. Relative paths
 * are tried from here and from the adapter folder; undefined when it is not a local folder (a hub
 * id, judged by its name).
 */
async function localBase(
  baseModel: string,
  adapterFolder: string,
): Promise<{ modelType?: string; parameters?: number } | undefined> {
  for (const candidate of new Set([path.resolve(baseModel), path.resolve(adapterFolder, baseModel)])) {
    let config: { model_type?: unknown };
    try {
      config = JSON.parse(await fs.readFile(path.join(candidate, 'config.json'), 'utf8'));
    } catch {
      continue;
    }
    return {
      modelType: typeof config.model_type === 'string' ? config.model_type : undefined,
      parameters: await safetensorsParameters(candidate),
    };
  }
  return undefined;
}

/** A safetensors header bigger than this is not one (real ones are a few hundred KB at most). */
const MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024;

/**
 * The parameter count of a model folder's weights (model.safetensors or its shards), read from the
 * files' headers (an 8-byte length, then JSON naming each tensor's shape) without loading them;
 * undefined when there are none or one cannot be read.
 */
async function safetensorsParameters(folder: string): Promise<number | undefined> {
  const shards = (await fs.readdir(folder)).filter((name) => /^model.*\.safetensors$/.test(name));
  if (shards.length === 0) return undefined;
  let total = 0;
  for (const shard of shards) {
    const file = await fs.open(path.join(folder, shard), 'r');
    try {
      const length = Buffer.alloc(8);
      await file.read(length, 0, 8, 0);
      const headerLength = Number(length.readBigUInt64LE(0));
      if (headerLength <= 0 || headerLength > MAX_SAFETENSORS_HEADER) return undefined;
      const header = Buffer.alloc(headerLength);
      await file.read(header, 0, headerLength, 8);
      const tensors = JSON.parse(header.toString('utf8')) as Record<string, { shape?: number[] }>;
      for (const [name, tensor] of Object.entries(tensors)) {
        if (name === '__metadata__') continue;
        total += (tensor.shape ?? []).reduce((product, dimension) => product * dimension, 1);
      }
    } catch {
      return undefined;
    } finally {
      await file.close();
    }
  }
  return total;
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
