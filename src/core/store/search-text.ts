/**
 * Code-aware text for keyword search. Identifiers are split at camelCase, snake_case, digits and
 * punctuation, and kept whole too, so `parseConfigFile`, `parse_config_file` and "parse config file"
 * all meet in BM25. Queries go through the same function as documents.
 */
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;

export function splitIdentifier(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

export function toSearchText(text: string): string {
  const words: string[] = [];
  for (const match of text.matchAll(IDENTIFIER)) {
    const identifier = match[0];
    const parts = splitIdentifier(identifier);
    words.push(...parts);
    const whole = identifier.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (parts.length > 1 && whole.length > 0) words.push(whole);
  }
  return words.join(' ');
}

/**
 * How a definition is looked up: its qualified name and every shorter dotted tail, lower-cased, so
 * `Session.send` is found by `session.send`, `Session.Send` and `send`. Questions go through the same
 * function as definitions.
 */
export function definitionKeys(names: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    const parts = name
      .toLowerCase()
      .split(/\.|::/)
      .filter((part) => part.length > 0);
    for (let i = 0; i < parts.length; i++) keys.add(parts.slice(i).join('.'));
  }
  return [...keys];
}
