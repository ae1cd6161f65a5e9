import type { Options } from 'ollama';

/** Ollama's per-request model settings (num_ctx, num_predict, temperature, stop, …). */
export type ModelOptions = Partial<Options>;

export interface OllamaTimeouts {
  /** A reply that needs no model (version, models, show, blobs): it must come whole within this. */
  replyMs: number;
  /**
   * Between two lines of an answer once it has started; 0 waits forever. The first line has no
   * limit: it comes when the model has loaded and read the prompt.
   */
  stallMs: number;
}

export interface OllamaClientOptions {
  /** The reposage.ollamaHost setting; when absent, OLLAMA_HOST, then http://127.0.0.1:11434. */
  host?: string;
  /** Where OLLAMA_HOST and OLLAMA_API_KEY are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  timeouts?: Partial<OllamaTimeouts>;
  /** Sent with every request (a team server's token); never logged. */
  headers?: Record<string, string>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

interface Cancellable {
  signal?: AbortSignal;
}

export interface ChatRequest extends Cancellable {
  model: string;
  messages: readonly ChatMessage[];
  options?: ModelOptions;
  /** How long Ollama keeps the model loaded afterwards ('10m', or seconds); Ollama's default is 5 minutes. */
  keepAlive?: string | number;
}

export interface GenerateRequest extends Cancellable {
  model: string;
  prompt: string;
  /** The text after the cursor, for fill-in-the-middle; the model's template must use `.Suffix`. */
  suffix?: string;
  system?: string;
  /** Send the prompt as it is, without the model's template. */
  raw?: boolean;
  options?: ModelOptions;
  keepAlive?: string | number;
  /** Ask for the log-probabilities of each answer token and of this many alternatives to it. */
  topLogprobs?: number;
}

/** One answer token's log-probability, with the alternatives the model weighed (when asked for). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  top: Array<{ token: string; logprob: number }>;
}

/** Ollama's figures for one answer, in milliseconds and tokens. */
export interface GenerationStats {
  totalMs: number;
  loadMs: number;
  promptTokens: number;
  promptMs: number;
  answerTokens: number;
  answerMs: number;
}

export interface Completion {
  text: string;
  /** Why the model stopped: 'stop' when it finished, 'length' at the token limit, and so on. */
  doneReason: string;
  /** The answer hit the token limit (num_predict or the context window) instead of finishing. */
  truncated: boolean;
  stats: GenerationStats;
  /** Per answer token, when the request asked for log-probabilities. */
  logprobs?: TokenLogprob[];
}

export interface ModelDetails {
  format: string;
  family: string;
  families: string[];
  parameterSize: string;
  quantization: string;
  /** The model it was created from, for a model made with createModel; empty otherwise. */
  parentModel: string;
}

/** An installed model, as listed by Ollama. */
export interface ModelSummary {
  name: string;
  digest: string;
  sizeBytes: number;
  modifiedAt: string;
  details: ModelDetails;
}

/** What RepoSage needs to know about one model before using it. */
export interface ModelInfo {
  name: string;
  /** The longest context the model supports (model_info "<arch>.context_length"), if reported. */
  contextLength: number | undefined;
  template: string;
  /** GGUF `general.architecture` (gemma3, llama, qwen2, …); the family when the server does not say. */
  architecture: string;
  /** It can complete between a prefix and a suffix: its template uses `.Suffix` or it declares 'insert'. */
  supportsFim: boolean;
  family: string;
  capabilities: string[];
  /** Digests ("sha256:…") of the adapters applied on top of the base model, from its modelfile. */
  adapters: string[];
  details: ModelDetails;
}

/** A status line of a pull or create; downloads carry the digest and byte counts. */
export interface Progress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

export interface PullOptions extends Cancellable {
  onProgress?: (progress: Progress) => void;
}

export interface CreateModelRequest extends Cancellable {
  model: string;
  /** The base model, which must be installed. */
  from?: string;
  /** File name → digest ("sha256:…") of model files (GGUF, safetensors) uploaded beforehand with pushBlob. */
  files?: Record<string, string>;
  /** File name → digest ("sha256:…") of each adapter, uploaded beforehand with pushBlob. */
  adapters?: Record<string, string>;
  template?: string;
  system?: string;
  parameters?: Record<string, unknown>;
  onProgress?: (progress: Progress) => void;
}
