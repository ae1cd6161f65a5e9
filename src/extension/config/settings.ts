import {
  DEFAULT_ANSWER_K,
  DEFAULT_CHAT_MODEL,
  DEFAULT_COMPLETION_DEBOUNCE_MS,
  DEFAULT_COMPLETION_MODEL,
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_MAX_ANSWER_TOKENS,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_OLLAMA_HOST,
  DEFAULT_OLLAMA_STALL_SECONDS,
  DEFAULT_RERANK_CANDIDATES,
} from '../../core/defaults';
/**
 * Every RepoSage setting: its key, type and default. This table is the contract with the
 * `contributes.configuration` section of package.json (a unit test keeps the two identical), and
 * it imports nothing from `vscode` so that test runs without VS Code.
 */
export const SETTINGS = {
  ollamaHost: { key: 'ollamaHost', type: 'string', default: DEFAULT_OLLAMA_HOST },
  ollamaHeaders: { key: 'ollamaHeaders', type: 'object', default: {} as Record<string, string> },
  ollamaStallSeconds: { key: 'ollamaStallSeconds', type: 'number', default: DEFAULT_OLLAMA_STALL_SECONDS },
  chatModel: { key: 'chatModel', type: 'string', default: DEFAULT_CHAT_MODEL },
  maxAnswerTokens: { key: 'chat.maxAnswerTokens', type: 'number', default: DEFAULT_MAX_ANSWER_TOKENS },
  completionModel: { key: 'completionModel', type: 'string', default: DEFAULT_COMPLETION_MODEL },
  modelsDir: { key: 'modelsDir', type: 'string', default: '' },
  embeddingModel: { key: 'embeddingModel', type: 'string', default: DEFAULT_EMBEDDING_MODEL },
  sharedIndex: { key: 'sharedIndex', type: 'string', default: '' },
  topK: { key: 'retrieval.topK', type: 'number', default: DEFAULT_ANSWER_K },
  rerankCandidates: { key: 'retrieval.rerankCandidates', type: 'number', default: DEFAULT_RERANK_CANDIDATES },
  include: { key: 'index.include', type: 'array', default: [] as string[] },
  exclude: { key: 'index.exclude', type: 'array', default: [] as string[] },
  includeKinds: { key: 'index.includeKinds', type: 'array', default: [] as string[] },
  maxFileBytes: { key: 'index.maxFileBytes', type: 'number', default: DEFAULT_MAX_FILE_BYTES },
  autoIndex: { key: 'index.autoIndex', type: 'boolean', default: true },
  completionEnabled: { key: 'completion.enabled', type: 'boolean', default: true },
  completionDebounceMs: { key: 'completion.debounceMs', type: 'number', default: DEFAULT_COMPLETION_DEBOUNCE_MS },
  completionLanguages: { key: 'completion.languages', type: 'array', default: [] as string[] },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The section every key above lives under: `reposage.<key>`. */
export const CONFIG_SECTION = 'reposage';

/** Settings whose change means the index must be rebuilt or re-scanned (a different model, different files). */
export const REINDEX_SETTINGS: readonly SettingName[] = [
  'modelsDir',
  'embeddingModel',
  'sharedIndex',
  'include',
  'exclude',
  'includeKinds',
  'maxFileBytes',
];

/**
 * Settings a workspace must not choose while it is untrusted: a folder's own .vscode/settings.json
 * could otherwise send code to a host of its choosing, or load models from a folder it ships.
 */
export const RESTRICTED_SETTINGS: readonly SettingName[] = ['sharedIndex', 'ollamaHost', 'ollamaHeaders', 'modelsDir'];

export function fullKey(name: SettingName): string {
  return `${CONFIG_SECTION}.${SETTINGS[name].key}`;
}
