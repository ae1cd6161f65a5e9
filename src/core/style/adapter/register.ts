import { RepoSageError, throwIfCancelled } from '../../errors';
import type { ModelInfo, OllamaClient, Progress } from '../../ollama';
import { formatBillions, sameSize, sizeLabelBillions } from './architecture';
import { type AdapterFiles, inspectAdapter } from './files';
import { unsupportedAdapterReason } from './support';

export interface RegisterAdapterOptions {
  /** An adapter folder (adapter_config.json + adapter_model.safetensors) or a LoRA .gguf file. */
  adapterPath: string;
  /** The installed Ollama model the adapter was trained on. */
  base: string;
  /** The name of the model to create. */
  name: string;
  ollama: Pick<OllamaClient, 'showModel' | 'pushBlob' | 'createModel'>;
  /** Register even when the adapter does not fit the base. */
  force?: boolean;
  onProgress?: (event: RegisterProgress) => void;
  signal?: AbortSignal;
}

export type RegisterProgress = { stage: 'upload'; file: string; digest: string } | { stage: 'create'; status: string };

/** How the adapter compares with the base: `problems` refuse registration unless forced. */
export interface AdapterCheck {
  adapterBase?: string;
  adapterArchitectures?: string[];
  adapterSizeBillions?: number;
  baseArchitecture: string;
  baseSizeBillions?: number;
  problems: string[];
  /** What could not be checked, and so was not. */
  unchecked: string[];
}

export interface RegisterResult {
  model: string;
  base: string;
  format: AdapterFiles['format'];
  /** File name → digest, as sent to /api/create. */
  adapters: Record<string, string>;
  check: AdapterCheck;
}

/**
 * Puts an adapter into the user's Ollama as a new model: checks it against the base (architecture,
 * size), uploads each file as a blob (by sha256 digest; nothing is sent twice) and creates the
 * model from the base with the adapter on top.
 */
export async function registerAdapter(options: RegisterAdapterOptions): Promise<RegisterResult> {
  const { ollama, signal } = options;
  const adapter = await inspectAdapter(options.adapterPath);
  const base = await ollama.showModel(options.base, signal);
  // Before anything is uploaded, and whatever --force says: such a model could never answer.
  const unsupported = unsupportedAdapterReason(base.family, adapter);
  if (unsupported) {
    throw new RepoSageError(
      'ADAPTER_UNSUPPORTED',
      `Ollama cannot apply this adapter to ${options.base}: ${unsupported.reason}`,
      unsupported.hint,
    );
  }
  const check = checkAdapter(adapter, base);
  if (check.problems.length > 0 && !options.force) {
    throw new RepoSageError(
      'ADAPTER_MISMATCH',
      `The adapter does not fit ${options.base}: ${check.problems.join(' ')}`,
      'Register it on the model it was trained from, or pass --force to register it anyway (its answers ' +
        'will be garbage or fail to load).',
    );
  }
  const adapters: Record<string, string> = {};
  for (const file of adapter.files) {
    throwIfCancelled(signal);
    const digest = await ollama.pushBlob(file.path, signal);
    adapters[file.name] = digest;
    options.onProgress?.({ stage: 'upload', file: file.name, digest });
  }
  await ollama.createModel({
    model: options.name,
    from: options.base,
    adapters,
    signal,
    onProgress: (progress: Progress) => options.onProgress?.({ stage: 'create', status: progress.status }),
  });
  return { model: options.name, base: options.base, format: adapter.format, adapters, check };
}

/** The adapter's architecture and size against the base model's, as Ollama reports them. */
function checkAdapter(adapter: AdapterFiles, base: ModelInfo): AdapterCheck {
  const baseArchitecture = base.family;
  const baseSizeBillions = sizeLabelBillions(base.details.parameterSize);
  const trainedOn = adapter.baseModel ?? 'a model';
  const problems: string[] = [];
  const unchecked: string[] = [];
  if (!adapter.architectures) {
    unchecked.push(
      'the architecture (nothing in the adapter names one' +
        `${adapter.baseModel ? `; "${adapter.baseModel}" gives no clue` : ''})`,
    );
  } else if (
    !adapter.architectures.includes(baseArchitecture) &&
    !base.details.families.some((family) => adapter.architectures!.includes(family))
  ) {
    problems.push(
      `${base.name} is a ${baseArchitecture} model, but the adapter was trained on ${trainedOn} ` +
        `(${adapter.architectures.join(' or ')}).`,
    );
  }
  if (adapter.sizeBillions === undefined || baseSizeBillions === undefined) {
    unchecked.push('the model size');
  } else if (!sameSize(adapter.sizeBillions, baseSizeBillions)) {
    problems.push(
      `${base.name} has ${base.details.parameterSize} parameters, but the adapter was trained on a ` +
        `${formatBillions(adapter.sizeBillions)}-parameter model.`,
    );
  }
  return {
    adapterBase: adapter.baseModel,
    adapterArchitectures: adapter.architectures,
    adapterSizeBillions: adapter.sizeBillions,
    baseArchitecture,
    baseSizeBillions,
    problems,
    unchecked,
  };
}
