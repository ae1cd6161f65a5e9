import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAT_VIEW_TYPE, COMMANDS, VIEW_CONTAINER_ID } from '../../src/extension/commands/ids';
import * as defaults from '../../src/core/defaults';
import { SKIPPABLE_KINDS } from '../../src/core/files';
import {
  REINDEX_SETTINGS,
  RESTRICTED_SETTINGS,
  SETTINGS,
  fullKey,
  type SettingName,
} from '../../src/extension/config/settings';

interface ContributedSetting {
  type: string;
  default: unknown;
  markdownDescription?: string;
  description?: string;
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const names = Object.keys(SETTINGS) as SettingName[];

describe('package.json and the extension agree', () => {
  it('contributes exactly the settings the config module reads, with the same types and defaults', () => {
    const properties = contributes.configuration.properties as Record<string, ContributedSetting>;
    expect(Object.keys(properties).sort()).toEqual(names.map(fullKey).sort());
    for (const name of names) {
      const contributed = properties[fullKey(name)];
      expect(contributed.type, fullKey(name)).toBe(SETTINGS[name].type);
      expect(contributed.default, fullKey(name)).toEqual(SETTINGS[name].default);
      expect(contributed.markdownDescription ?? contributed.description, fullKey(name)).toBeTruthy();
    }
  });

  it('contributes the defaults the CLI and the core use, from src/core/defaults.ts', () => {
    const properties = contributes.configuration.properties as Record<string, ContributedSetting>;
    const defaultOf = (name: SettingName) => properties[fullKey(name)].default;
    expect({
      ollamaHost: defaultOf('ollamaHost'),
      ollamaStallSeconds: defaultOf('ollamaStallSeconds'),
      chatModel: defaultOf('chatModel'),
      maxAnswerTokens: defaultOf('maxAnswerTokens'),
      completionModel: defaultOf('completionModel'),
      embeddingModel: defaultOf('embeddingModel'),
      topK: defaultOf('topK'),
      rerankCandidates: defaultOf('rerankCandidates'),
      maxFileBytes: defaultOf('maxFileBytes'),
      completionDebounceMs: defaultOf('completionDebounceMs'),
    }).toEqual({
      ollamaHost: defaults.DEFAULT_OLLAMA_HOST,
      ollamaStallSeconds: defaults.DEFAULT_OLLAMA_STALL_SECONDS,
      chatModel: defaults.DEFAULT_CHAT_MODEL,
      maxAnswerTokens: defaults.DEFAULT_MAX_ANSWER_TOKENS,
      completionModel: defaults.DEFAULT_COMPLETION_MODEL,
      embeddingModel: defaults.DEFAULT_EMBEDDING_MODEL,
      topK: defaults.DEFAULT_ANSWER_K,
      rerankCandidates: defaults.DEFAULT_RERANK_CANDIDATES,
      maxFileBytes: defaults.DEFAULT_MAX_FILE_BYTES,
      completionDebounceMs: defaults.DEFAULT_COMPLETION_DEBOUNCE_MS,
    });
  });

  it('restricts in untrusted workspaces the settings the extension treats as restricted', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    expect(untrusted.supported).toBe('limited');
    expect([...untrusted.restrictedConfigurations].sort()).toEqual(RESTRICTED_SETTINGS.map(fullKey).sort());
  });

  it('contributes every registered command, titled and in the RepoSage category, and no other', () => {
    const contributed = contributes.commands as { command: string; title: string; category: string }[];
    expect(contributed.map((c) => c.command).sort()).toEqual(Object.values(COMMANDS).sort());
    for (const command of contributed) {
      expect(command.title, command.command).toBeTruthy();
      expect(command.category).toBe('RepoSage');
    }
  });

  it('offers the file kinds the indexer skips, and re-indexes when they change', () => {
    const setting = contributes.configuration.properties[fullKey('includeKinds')];
    expect(setting.items.enum).toEqual([...SKIPPABLE_KINDS]);
    expect(setting.items.enumDescriptions).toHaveLength(SKIPPABLE_KINDS.length);
    expect(REINDEX_SETTINGS).toContain('includeKinds');
    // Choosing more files to index sends nothing anywhere; an untrusted workspace indexes nothing anyway.
    expect(RESTRICTED_SETTINGS).not.toContain('includeKinds');
  });

  it('declares the chat view under the view type the provider registers', () => {
    expect(contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id)).toContain(VIEW_CONTAINER_ID);
    const views = contributes.views[VIEW_CONTAINER_ID] as { id: string; type: string }[];
    expect(views).toContainEqual(expect.objectContaining({ id: CHAT_VIEW_TYPE, type: 'webview' }));
  });

  it('activates after startup or on use, never on every event', () => {
    expect(manifest.activationEvents).not.toContain('*');
    expect(manifest.activationEvents).toContain('onStartupFinished');
    expect(manifest.main).toBe('./dist/extension.js');
  });
});
