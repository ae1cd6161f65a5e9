import { DEFAULT_MAX_FILE_BYTES } from '../../core/files/types';

/**
 * Every RepoSage setting: its key, type and default. This table is the contract with the
 * `contributes.configuration` section of package.json (a unit test keeps the two identical), and
 * it imports nothing from `vscode` so that test runs without VS Code.
 */
export const SETTINGS = {
  ollamaHost: { key: 'ollamaHost', type: 'string', default: 'http://127.0.0.1:11434' },
  ollamaHeaders: { key: 'ollamaHeaders', type: 'object', default: {} as Record<string, string> },
  ollamaStallSeconds: { key: 'ollamaStallSeconds', type: 'number', default: 60 },
  chatModel: { key: 'chatModel', type: 'string', default: 'qwen2.5-coder:7b' },
  completionModel: { key: 'completionModel', type: 'string', default: 'qwen2.5-coder:1.5b-base' },
  modelsDir: { key: 'modelsDir', type: 'string', default: '' },
  embeddingModel: { key: 'embeddingModel', type: 'string', default: 'Xenova/all-MiniLM-L6-v2' },
  sharedIndex: { key: 'sharedIndex', type: 'string', default: '' },
  topK: { key: 'retrieval.topK', type: 'number', default: 5 },
  rerankCandidates: { key: 'retrieval.rerankCandidates', type: 'number', default: 20 },
  include: { key: 'index.include', type: 'array', default: [] as string[] },
  exclude: { key: 'index.exclude', type: 'array', default: [] as string[] },
  includeKinds: { key: 'index.includeKinds', type: 'array', default: [] as string[] },
  maxFileBytes: { key: 'index.maxFileBytes', type: 'number', default: DEFAULT_MAX_FILE_BYTES },
  autoIndex: { key: 'index.autoIndex', type: 'boolean', default: true },
  completionEnabled: { key: 'completion.enabled', type: 'boolean', default: true },
  completionDebounceMs: { key: 'completion.debounceMs', type: 'number', default: 250 },
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
