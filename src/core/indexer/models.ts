import { createTokenCounter } from '../embedding/token-counter';
import { createEmbedder } from '../embedding/embedder';
import { loadStaticEmbedder } from '../embedding/static-embedder';
import type { TokenCounter } from '../chunking/chunk';
import type { Embedder } from '../embedding/types';
import { DEFAULT_EMBEDDING_MODEL } from '../defaults';

/** The loaded models an index run needs. Loading takes a while, so long-lived hosts keep these. */
export interface IndexerModels {
  embedder: Embedder;
  /**
   * The static table distilled from the embedder, when one ships for it: every chunk gets its vector
   * as it is written, so dense search covers the index long before the embedder has run over it.
   */
  staticEmbedder?: Embedder;
  tokenCounter: TokenCounter;
  /** Where the tree-sitter grammars are, when not in node_modules (the bundled extension copies them). */
  wasmDir?: string;
}

export interface ModelSettings {
  modelsDir?: string;
  embeddingModel?: string;
  wasmDir?: string;
}

export async function loadIndexerModels(settings: ModelSettings): Promise<IndexerModels> {
  const modelId = settings.embeddingModel ?? DEFAULT_EMBEDDING_MODEL;
  const [embedder, staticEmbedder, tokenCounter] = await Promise.all([
    createEmbedder({ modelId, modelsDir: settings.modelsDir }),
    loadStaticEmbedder(modelId, settings.modelsDir),
    createTokenCounter({ modelId, modelsDir: settings.modelsDir }),
  ]);
  return { embedder, staticEmbedder, tokenCounter, wasmDir: settings.wasmDir };
}
