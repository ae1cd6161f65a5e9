// The defaults a user can change, in one place. The CLI's option declarations, the extension's
// settings (and through them package.json's contributes.configuration, which a test holds equal)
// and the core read them from here.

/** Where Ollama listens when neither a setting nor OLLAMA_HOST says otherwise. */
export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** How long a started answer may go silent before the server counts as stuck (0: wait forever). */
export const DEFAULT_OLLAMA_STALL_SECONDS = 60;
/** How long Ollama keeps a model loaded after a request: the next question should not wait for a load. */
export const DEFAULT_KEEP_ALIVE = '30m';

export const DEFAULT_CHAT_MODEL = 'qwen2.5-coder:7b';
export const DEFAULT_COMPLETION_MODEL = 'qwen2.5-coder:1.5b-base';
export const DEFAULT_EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';
export const DEFAULT_RERANK_MODEL = 'Xenova/ms-marco-MiniLM-L-6-v2';

/** Chunks a search returns (`reposage query`, the retriever). */
export const DEFAULT_SEARCH_K = 5;
/**
 * Chunks an answer is grounded on (`reposage ask`, the chat view's reposage.retrieval.topK); packing
 * merges neighbours and leaves out what does not fit.
 */
export const DEFAULT_ANSWER_K = 8;
/** The rank cut-off of the retrieval measures (`reposage eval`). */
export const DEFAULT_EVAL_K = 20;
/** Fused candidates the cross-encoder scores before the best k are kept. */
export const DEFAULT_RERANK_CANDIDATES = 20;

/**
 * The largest context window asked of Ollama. Ollama allocates the whole window up front (KV cache), so a
 * 128k model asked for its full length would take gigabytes of memory for a prompt of a few thousand
 * tokens. RAG prompts stay well below this; a caller that wants more says so.
 */
export const DEFAULT_MAX_CONTEXT_TOKENS = 8192;

/**
 * The longest answer asked of the chat model, in tokens (Ollama's num_predict; `ask --max-answer-tokens`, the
 * chat view's reposage.chat.maxAnswerTokens). A small model may write until it is stopped, and a CPU writes a few
 * tokens a second: about 700 words of prose and code is room for an answer, and bounds the wait.
 */
export const DEFAULT_MAX_ANSWER_TOKENS = 1024;

/** Files larger than this are not indexed unless the user says otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 1_000_000;

/** How long typing must pause before a completion is asked for. */
export const DEFAULT_COMPLETION_DEBOUNCE_MS = 250;
