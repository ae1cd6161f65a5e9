import { languageForPath } from '../../core/languages/registry';

/** The settings that decide where suggestions appear, as read for one document (language overrides applied). */
export interface LanguageSettings {
  /** reposage.completion.enabled; a `[language]` section of the settings can override it. */
  enabled: boolean;
  /** reposage.completion.languages; empty means every language RepoSage reads. */
  languages: readonly string[];
}

/**
 * Whether to suggest in a document. By default in every file the chunker recognises by its name
 * (the languages whose context RepoSage can gather); a list in the settings names the languages
 * instead, and `enabled` turns a language off (or everything, outside a language section).
 */
export function suggestsIn(document: { languageId: string; path: string }, settings: LanguageSettings): boolean {
  if (!settings.enabled) return false;
  if (settings.languages.length > 0) return settings.languages.includes(document.languageId);
  return languageForPath(document.path) !== undefined;
}
