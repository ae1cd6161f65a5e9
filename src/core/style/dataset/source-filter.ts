import { isVendoredPath } from '../../files/file-origin';
import { createExcludeRules } from '../../files/ignore-rules';

/**
 * Data and configuration: version strings, settings and fixtures are facts that change, and the
 * model must take facts from retrieval, never from its weights.
 */
const DATA_FILE = /\.(json|jsonc|ya?ml|toml|ini|cfg|conf|env|properties|xml|csv|tsv|lock|sum|txt|sql|plist|pbxproj)$/i;
const DATA_NAME = new RegExp(
  String.raw`(^|\/)(package\.json|setup\.cfg|pyproject\.toml|requirements[^/]*\.txt|version(\.[a-z]+)?|VERSION|` +
    'CHANGELOG[^/]*|CHANGES[^/]*|HISTORY[^/]*)$',
);

const excludeRules = createExcludeRules();

/**
 * Whether a changed file's diff may teach style: not data or configuration, not vendored, and not
 * something the walker would never index (lock files, build output, minified bundles).
 */
export function isStyleSourcePath(relativePath: string): boolean {
  return (
    !DATA_FILE.test(relativePath) &&
    !DATA_NAME.test(relativePath) &&
    !isVendoredPath(relativePath) &&
    !excludeRules.ignores(relativePath)
  );
}

/** A version literal: "1.2.3", 'v2.0.0-rc.1'. */
const VERSION_LITERAL = /["'`]v?\d+\.\d+\.\d+[\w.+-]*["'`]/;
const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;
/** Code that is mostly literals is a table of values (settings, fixtures, messages), not behaviour. */
const MAX_LITERAL_SHARE = 0.6;

/**
 * Whether a function's code is a fact rather than style: it returns a version, or it is mostly a
 * table of literal values. Such answers go stale, and a model must never learn them as truths.
 */
export function isFactualCode(code: string): boolean {
  if (VERSION_LITERAL.test(code)) return true;
  const visible = code.replace(/\s+/g, '').length;
  if (visible === 0) return false;
  const literal = [...code.matchAll(STRING_LITERAL)].reduce(
    (sum, match) => sum + match[0].replace(/\s+/g, '').length,
    0,
  );
  return literal / visible > MAX_LITERAL_SHARE;
}
