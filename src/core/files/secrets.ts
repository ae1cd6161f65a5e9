/**
 * Credentials are never indexed, exported or sent to a model, whatever the ignore rules, include
 * globs or settings say: an index is easy to copy and answers quote what they retrieve. A file is
 * held back by its name or path (credential files) or by what it holds (a private key, a cloud
 * access key, a high-entropy value given to a secret-sounding name), in every file type.
 *
 * Deliberate exceptions:
 * - `.env.example`, `.env.sample`, `.env.template` (and `example.env`...): committed templates that
 *   name the settings a project reads, with placeholder values; useful context and meant to be shared.
 * - `secrets.<code extension>` (secrets.ts, secrets.py): source code about secrets, not secrets.
 *   Only data and config files called secrets.* are held back, and code is still read for keys.
 */
const SECRET_NAMES: readonly RegExp[] = [
  /^\.env$/,
  /^\.env\..+$/,
  /^[\w.-]+\.env$/,
  /\.(pem|key|p12|pfx|keystore|jks|tfstate|tfstate\.backup|tfvars)$/,
  /^id_(rsa|dsa|ecdsa|ed25519)/,
  /^credentials(\.\w+)?$/,
  /^credentials.*\.json$/,
  /^\.(npmrc|pypirc|netrc|git-credentials|pgpass|htpasswd|my\.cnf|s3cfg|dockercfg|boto)$/,
  /^(\w+\.)?kubeconfig(\.ya?ml)?$/,
  /^secrets\.(json|ya?ml|toml|ini|env|txt|xml|properties|conf|cfg)$/,
];

/** Files whose name alone says little, but whose place does. */
const SECRET_PATHS: readonly RegExp[] = [
  /(^|\/)\.docker\/config\.json$/,
  /(^|\/)\.kube\/config$/,
  /(^|\/)\.aws\/config$/,
];

const TEMPLATE = /^(\.env\.(example|sample|template|dist)|(example|sample|template)\.env)$/;

/** Whether a file at this root-relative path likely holds credentials, by its name or place (case-insensitive). */
export function isSecretPath(relativePath: string): boolean {
  const lower = relativePath.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  if (TEMPLATE.test(name)) return false;
  return SECRET_NAMES.some((pattern) => pattern.test(name)) || SECRET_PATHS.some((pattern) => pattern.test(lower));
}

/** Key formats that are secrets wherever they appear. */
const SECRET_CONTENT: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  { kind: 'private key', pattern: /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/ },
  // AWS documentation's own example key ends in EXAMPLE and is public.
  { kind: 'AWS access key', pattern: /\b(AKIA|ASIA)(?![0-9A-Z]{9}EXAMPLE)[0-9A-Z]{16}\b/ },
  { kind: 'AWS secret key', pattern: /aws_secret_access_key\s*[:=]\s*["']?[A-Za-z0-9/+]{40}\b/i },
  { kind: 'GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { kind: 'Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { kind: 'Stripe key', pattern: /\b[sr]k_live_[A-Za-z0-9]{20,}/ },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
];

/** `password = "…"`, `apiKey: '…'`, `CLIENT_SECRET=…`: a name that says secret, given a literal value. */
const SECRET_ASSIGNMENT = new RegExp(
  String.raw`\b[\w.-]*(secret|passw(or)?d|pwd|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|` +
    String.raw`credential)[\w-]*["']?\s*[:=]\s*["']?([A-Za-z0-9+/=_-]{20,})`,
  'gi',
);

/**
 * What kind of secret a file's text holds, or undefined. High-entropy assignments count only when
 * the value looks random: letters and digits mixed, and close to the entropy of random text (a
 * name like `DEFAULT_PASSWORD_FIELD_NAME` is not a password).
 */
export function findSecret(text: string): string | undefined {
  for (const { kind, pattern } of SECRET_CONTENT) if (pattern.test(text)) return kind;
  for (const match of text.matchAll(SECRET_ASSIGNMENT)) {
    if (looksRandom(match[3])) return `value of ${match[0].split(/\s*[:=]/)[0].replace(/["']/g, '')}`;
  }
  return undefined;
}

function looksRandom(value: string): boolean {
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  const entropy = shannonEntropy(value);
  // Hex digests and keys have at most 4 bits a character; other alphabets more.
  return /^[0-9a-f]+$/i.test(value) ? value.length >= 32 && entropy >= 3.4 : entropy >= 3.7;
}

/** Bits per character of the string's own character distribution. */
function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
