import path from 'node:path';
import * as vscode from 'vscode';
import { defaultModelsDir } from '../../core/embedding/locate';
import { SKIPPABLE_KINDS, type SkippableKind } from '../../core/files';
import { OllamaClient } from '../../core/ollama';
import { CONFIG_SECTION, REINDEX_SETTINGS, SETTINGS, fullKey, type SettingName } from './settings';

/** RepoSage's settings as the rest of the extension sees them: typed, defaulted, checked. */
export interface RepoSageConfig {
  ollamaHost: string;
  /** Sent with every Ollama request (a team server's token); never logged. */
  ollamaHeaders: Record<string, string>;
  /** 0: an answer may go silent forever. */
  ollamaStallSeconds: number;
  chatModel: string;
  /** The longest answer asked of the chat model, in tokens. */
  maxAnswerTokens: number;
  completionModel: string;
  /** Undefined: the models bundled with the extension, else the local model cache. */
  modelsDir: string | undefined;
  embeddingModel: string;
  /** A shared index (s3://…) this workspace's index overlays; undefined: a full local index. */
  sharedIndex: string | undefined;
  topK: number;
  rerankCandidates: number;
  include: string[];
  exclude: string[];
  /** Kinds of files skipped by default (lock files, certificates, ...) that this workspace wants indexed. */
  includeKinds: SkippableKind[];
  maxFileBytes: number;
  autoIndex: boolean;
  completionEnabled: boolean;
  completionDebounceMs: number;
  /** Empty: every language. */
  completionLanguages: string[];
}

/** The one place settings are read. `scope` picks a folder's own values in a multi-root workspace. */
export function readConfig(scope?: vscode.ConfigurationScope): RepoSageConfig {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  /** Blank counts as unset: clearing a text setting in the UI leaves "". */
  const text = (name: SettingName): string => {
    const value = section.get<unknown>(SETTINGS[name].key);
    return (typeof value === 'string' && value.trim()) || (SETTINGS[name].default as string);
  };
  const count = (name: SettingName, min: number): number => {
    const value = section.get<unknown>(SETTINGS[name].key);
    return typeof value === 'number' && Number.isFinite(value)
      ? Math.max(min, Math.floor(value))
      : (SETTINGS[name].default as number);
  };
  const flag = (name: SettingName): boolean => {
    const value = section.get<unknown>(SETTINGS[name].key);
    return typeof value === 'boolean' ? value : (SETTINGS[name].default as boolean);
  };
  const list = (name: SettingName): string[] => {
    const value = section.get<unknown>(SETTINGS[name].key);
    return Array.isArray(value)
      ? value.filter((item): item is string => typeof item === 'string' && item.length > 0)
      : [];
  };
  return {
    ollamaHost: text('ollamaHost'),
    ollamaHeaders: headers(section.get<unknown>(SETTINGS.ollamaHeaders.key)),
    ollamaStallSeconds: count('ollamaStallSeconds', 0),
    chatModel: text('chatModel'),
    maxAnswerTokens: count('maxAnswerTokens', 1),
    completionModel: text('completionModel'),
    modelsDir: text('modelsDir') || undefined,
    embeddingModel: text('embeddingModel'),
    sharedIndex: text('sharedIndex') || undefined,
    topK: count('topK', 1),
    rerankCandidates: count('rerankCandidates', 1),
    include: list('include'),
    exclude: list('exclude'),
    includeKinds: list('includeKinds').filter(isSkippableKind),
    maxFileBytes: count('maxFileBytes', 1),
    autoIndex: flag('autoIndex'),
    completionEnabled: flag('completionEnabled'),
    completionDebounceMs: count('completionDebounceMs', 0),
    completionLanguages: list('completionLanguages'),
  };
}

/** Header names to string values; anything else in the setting is left out. */
function headers(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0].trim() !== '',
    ),
  );
}

/** The Ollama client for these settings: server, headers, and how long an answer may stall. */
export function ollamaClient(config: RepoSageConfig): OllamaClient {
  return new OllamaClient({
    host: config.ollamaHost,
    headers: config.ollamaHeaders,
    timeouts: { stallMs: config.ollamaStallSeconds * 1000 },
  });
}

/** True when a settings change means the index must be re-scanned or rebuilt. */
export function affectsIndex(event: vscode.ConfigurationChangeEvent, scope?: vscode.ConfigurationScope): boolean {
  return REINDEX_SETTINGS.some((name) => event.affectsConfiguration(fullKey(name), scope));
}

export function settingChanged(event: vscode.ConfigurationChangeEvent, name: SettingName): boolean {
  return event.affectsConfiguration(fullKey(name));
}

/** The models folder: the setting, else the models shipped in the extension, else the local cache. */
export function resolveModelsDir(config: RepoSageConfig, extensionPath: string): string | undefined {
  return config.modelsDir ?? defaultModelsDir(path.join(extensionPath, 'dist', 'models'));
}

/** Unknown names are left out: the settings editor already marks them, from the enum in package.json. */
function isSkippableKind(value: string): value is SkippableKind {
  return (SKIPPABLE_KINDS as readonly string[]).includes(value);
}
