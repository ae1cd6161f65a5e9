/** What a secret is replaced with: plainly a placeholder, so a model trained on it learns no value. */
export const SECRET_PLACEHOLDER = '<redacted-secret>';

/**
 * Credentials with a recognisable shape. The walker already keeps .env files, keys and credential
 * files out; these catch what people paste into code, tests and commit diffs.
 */
const SECRET_SHAPES: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g,
  /\b[rs]k_live_[A-Za-z0-9]{16,}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bhf_[A-Za-z0-9]{30,}\b/g,
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];

/**
 * `password = "hunter22"`, `"apiKey": "abc…"`, `GITHUB_TOKEN := "…"`: a name ending in a secret word,
 * given a literal of 8+ characters. The name must end there, so `tokenizer = "bert-base"` stays.
 */
const SECRET_ASSIGNMENT = new RegExp(
  String.raw`\b([A-Za-z0-9_-]*?(?:password|passwd|passphrase|secret|secret[_-]?key|token|api[_-]?key|apikey|` +
    String.raw`access[_-]?key|private[_-]?key|credentials?)["']?\s*(?::=|[:=])\s*)(["'\`])([^"'\`\s]{8,})\2`,
  'gi',
);

/** `scheme://user:password@host`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

export interface ScrubResult {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

/** Replaces everything that looks like a credential with SECRET_PLACEHOLDER. */
export function scrubSecrets(text: string): ScrubResult {
  let count = 0;
  let scrubbed = text;
  for (const shape of SECRET_SHAPES) {
    scrubbed = scrubbed.replace(shape, () => {
      count++;
      return SECRET_PLACEHOLDER;
    });
  }
  const replaceValue = (_match: string, name: string, quote: string, value: string) => {
    if (looksLikePlaceholder(value)) return `${name}${quote}${value}${quote}`;
    count++;
    return `${name}${quote}${SECRET_PLACEHOLDER}${quote}`;
  };
  scrubbed = scrubbed.replace(SECRET_ASSIGNMENT, replaceValue);
  scrubbed = scrubbed.replace(URL_CREDENTIALS, (match, head: string, password: string, at: string) => {
    if (looksLikePlaceholder(password)) return match;
    count++;
    return `${head}${SECRET_PLACEHOLDER}${at}`;
  });
  return { text: scrubbed, count };
}

/** Values that name a secret rather than hold one: `${API_KEY}`, `<token>`, `xxxxxxxx`, `process.env.X`. */
const PLACEHOLDER = new RegExp(
  String.raw`^(\$\{?[A-Z_]+\}?|<[^>]*>|\{\{[^}]*\}\}|x+|\*+|\.+|(your|my|example|dummy|placeholder|` +
    String.raw`changeme)[\w-]*|process\.env\.\w+)$`,
  'i',
);

function looksLikePlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}
