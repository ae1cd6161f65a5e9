export { DEFAULT_TIMEOUTS, OllamaClient } from './client';
export { TextStream } from './text-stream';
export { normalizeOllamaHost, resolveOllamaHost } from './host';
export { fileDigest } from './blobs';
export type {
  ChatMessage,
  ChatRequest,
  Completion,
  CreateModelRequest,
  GenerateRequest,
  GenerationStats,
  ModelDetails,
  ModelInfo,
  ModelOptions,
  ModelSummary,
  OllamaClientOptions,
  OllamaTimeouts,
  Progress,
  PullOptions,
} from './types';
