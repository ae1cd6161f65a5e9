/**
 * File names that usually hold credentials. Such files are never indexed, whatever the ignore rules
 * and include globs say: an index is easy to copy and answers quote what they retrieve.
 *
 * Deliberate exceptions:
 * - `.env.example`, `.env.sample`, `.env.template`: committed templates that name the settings a
 *   project reads, with placeholder values; useful context and meant to be shared.
 * - `secrets.<code extension>` (secrets.ts, secrets.py): source code about secrets, not secrets.
 *   Only data and config files called secrets.* are held back.
 */
const SECRET_NAMES: readonly RegExp[] = [
  /^\.env$/,
  /^\.env\..+$/,
  /\.(pem|key|p12|pfx|keystore|jks)$/,
  /^id_(rsa|dsa|ecdsa|ed25519)/,
  /^credentials.*\.json$/,
  /^\.(npmrc|pypirc|netrc|git-credentials)$/,
  /^secrets\.(json|ya?ml|toml|ini|env|txt|xml|properties|conf|cfg)$/,
];

const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template']);

/** Whether a file with this base name is likely to contain credentials (case-insensitive). */
export function isLikelySecret(fileName: string): boolean {
  const name = fileName.toLowerCase();
  if (ENV_TEMPLATES.has(name)) return false;
  return SECRET_NAMES.some((pattern) => pattern.test(name));
}
