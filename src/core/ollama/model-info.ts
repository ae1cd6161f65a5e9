import type { ModelDetails as OllamaDetails, ModelResponse, ShowResponse } from 'ollama';
import type { ModelDetails, ModelInfo, ModelSummary } from './types';

export function toModelSummary(model: ModelResponse): ModelSummary {
  return {
    name: model.name,
    digest: model.digest,
    sizeBytes: model.size,
    // ollama-js types it as a Date, but passes the JSON string through.
    modifiedAt: String(model.modified_at),
    details: toDetails(model.details),
  };
}

export function toModelInfo(name: string, show: ShowResponse): ModelInfo {
  const template = show.template ?? '';
  const capabilities = show.capabilities ?? [];
  const details = toDetails(show.details);
  // ollama-js types model_info as a Map; over JSON it is a plain object.
  const modelInfo = (show.model_info ?? {}) as unknown as Record<string, unknown>;
  const architecture = modelInfo['general.architecture'];
  return {
    name,
    contextLength: contextLengthOf(modelInfo),
    architecture: typeof architecture === 'string' ? architecture : details.family,
    template,
    supportsFim: template.includes('.Suffix') || capabilities.includes('insert'),
    family: details.family,
    capabilities,
    adapters: adaptersOf(show.modelfile ?? ''),
    details,
  };
}

/** "<architecture>.context_length", the key GGUF metadata uses; any such key if the architecture is unnamed. */
function contextLengthOf(info: Record<string, unknown>): number | undefined {
  const architecture = info['general.architecture'];
  const key =
    typeof architecture === 'string' && `${architecture}.context_length` in info
      ? `${architecture}.context_length`
      : Object.keys(info).find((candidate) => candidate.endsWith('.context_length'));
  const value = key ? info[key] : undefined;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** The modelfile names adapters by blob path (…/blobs/sha256-<hex>); RepoSage compares digests. */
function adaptersOf(modelfile: string): string[] {
  return [...modelfile.matchAll(/^ADAPTER\s+(.+)$/gm)].map((match) => {
    const digest = /sha256[-:]([0-9a-f]{64})/.exec(match[1]);
    return digest ? `sha256:${digest[1]}` : match[1].trim();
  });
}

function toDetails(details: Partial<OllamaDetails> | undefined): ModelDetails {
  return {
    format: details?.format ?? '',
    family: details?.family ?? '',
    families: details?.families ?? [],
    parameterSize: details?.parameter_size ?? '',
    quantization: details?.quantization_level ?? '',
    parentModel: details?.parent_model ?? '',
  };
}
