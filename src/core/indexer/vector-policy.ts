import { isGeneratedFile, isVendoredPath } from '../files/file-origin';

/**
 * Which files get vectors. Retrieval should never answer with vendored or generated code, data
 * tables or a second translation of a page, so embedding them only costs time (the model is the
 * whole cost of a build); they stay searchable by keyword.
 */
const DATA_FILE = /\.(csv|tsv|jsonl|ndjson|lock|svg|po|pot|map|snap|ipynb|geojson)$/i;
/** JSON above this size is a data table (fixtures, translations, schemas), not configuration. */
const LARGE_JSON_BYTES = 20_000;
const JSON_FILE = /\.json5?$/i;

/** Folders holding a page per language, and the language-named folders and suffixes inside docs. */
const TRANSLATION_DIR = /(^|\/)(locales?|i18n|l10n|translations?)\//i;
const LANGUAGE_TAG =
  '(ar|bg|bn|ca|cs|da|de|el|es|et|fa|fi|fr|he|hi|hu|id|it|ja|ko|lt|lv|ms|nb|nl|no|pl|pt|pt[-_]br|ro|ru|sk|sl|sr|' +
  'sv|th|tr|uk|ur|vi|zh|zh[-_](cn|tw|hans|hant|hk))';
const TRANSLATED_DOC = new RegExp(
  `(^|/)${LANGUAGE_TAG}/[^]*\\.(md|mdx|rst|txt|html?)$|[._-]${LANGUAGE_TAG}\\.(md|mdx|rst|txt)$`,
  'i',
);

export type VectorPolicy = 'embed' | 'vendored' | 'generated' | 'data' | 'translation';

export function vectorPolicy(relativePath: string, text: string): VectorPolicy {
  if (isVendoredPath(relativePath)) return 'vendored';
  if (DATA_FILE.test(relativePath) || (JSON_FILE.test(relativePath) && text.length > LARGE_JSON_BYTES)) return 'data';
  if (TRANSLATION_DIR.test(relativePath) || TRANSLATED_DOC.test(relativePath)) return 'translation';
  if (isGeneratedFile(relativePath, text)) return 'generated';
  return 'embed';
}
