/** Turns texts into normalised vectors. One instance owns one loaded model. */
export interface Embedder {
  readonly modelId: string;
  readonly dimension: number;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** Scores (query, passage) pairs with a cross-encoder; higher is more relevant. */
export interface Reranker {
  readonly modelId: string;
  score(query: string, passages: string[], signal?: AbortSignal): Promise<number[]>;
  dispose(): Promise<void>;
}

export interface ModelLocation {
  /** Folder in transformers.js layout (<Org>/<name>/onnx/...). When set, nothing is downloaded. */
  modelsDir?: string;
}
