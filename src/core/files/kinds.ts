import { looksMinified } from './sniff';

/**
 * Files no one asks a codebase assistant about, though they are text: each becomes hundreds of
 * chunks that crowd real code out of the results. Told by name where the name is certain, by
 * content where it is not. A user who does want them names the kind (`--include-kind`, the
 * `reposage.index.includeKinds` setting).
 */
export const SKIPPABLE_KINDS = [
  'design-file',
  'certificate',
  'lock-file',
  'generated',
  'minified',
  'data-dump',
] as const;
export type SkippableKind = (typeof SKIPPABLE_KINDS)[number];

const BY_NAME: ReadonlyArray<{ kind: SkippableKind; pattern: RegExp }> = [
  { kind: 'design-file', pattern: /\.(ai|psd|psb|sketch|fig|xd|indd|eps|afdesign|afphoto|cdr|xcf)$/ },
  { kind: 'certificate', pattern: /(\.(crt|cer|der|p7b|p7c|ca-bundle)$)|(^|\/)(ca-?bundle|cacerts?)(\.\w+)?$/ },
  {
    kind: 'lock-file',
    pattern: new RegExp(
      String.raw`(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|` +
        String.raw`cargo\.lock|poetry\.lock|pipfile\.lock|uv\.lock|composer\.lock|gemfile\.lock|go\.sum|` +
        String.raw`mix\.lock|flake\.lock|pubspec\.lock|podfile\.lock|packages\.lock\.json|gradle\.lockfile|` +
        String.raw`[\w.-]+\.lock)$`,
    ),
  },
  {
    kind: 'generated',
    pattern: /(\.pb\.go|_pb2(_grpc)?\.pyi?|\.g\.dart|\.freezed\.dart|\.designer\.cs|\.generated\.\w+|\.gen\.go)$/,
  },
  { kind: 'minified', pattern: /\.min\.(js|css|mjs)$|\.map$/ },
  { kind: 'data-dump', pattern: /\.(parquet|avro|orc|dump|sqlite3?|db)$/ },
];

/** The kind a root-relative path names for certain, or undefined (case-insensitive). */
export function kindByName(relativePath: string): SkippableKind | undefined {
  const lower = relativePath.toLowerCase();
  return BY_NAME.find(({ pattern }) => pattern.test(lower))?.kind;
}

/** Where tools announce that they wrote a file; read in the first lines only. */
const GENERATED_MARK =
  /@generated\b|\bDO NOT EDIT\b|\bauto-?generated\b|\bthis file (is|was) (automatically |auto-)?generated\b/i;
const HEAD_CHARS = 1024;

/** Data needs some size to be a dump; a small fixture is worth reading. */
const DUMP_MIN_CHARS = 32 * 1024;
/** Row formats: a small table (tax rates, a fixture) is worth reading; a large one is a dump. */
const DATA_EXTENSION = /\.(csv|tsv|psv|jsonl|ndjson)$/i;
const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The kind a file's content shows, or undefined for a file worth indexing. */
export function kindByContent(fileName: string, text: string): SkippableKind | undefined {
  if (GENERATED_MARK.test(text.slice(0, HEAD_CHARS))) return 'generated';
  if (looksMinified(fileName, text)) return 'minified';
  if (isCertificateBundle(text)) return 'certificate';
  if (looksLikeDataDump(fileName, text)) return 'data-dump';
  return undefined;
}

/** Mostly PEM certificates, whatever the file is called. */
function isCertificateBundle(text: string): boolean {
  let certificateChars = 0;
  for (const match of text.matchAll(CERTIFICATE)) certificateChars += match[0].length;
  return certificateChars > 0 && certificateChars >= text.length / 2;
}

/**
 * A large file of rows rather than prose or code: SQL inserts, or lines that are nearly all digits
 * and separators (numeric tables, coordinates, exported measurements).
 */
function looksLikeDataDump(fileName: string, text: string): boolean {
  if (text.length < DUMP_MIN_CHARS) return false;
  if (DATA_EXTENSION.test(fileName)) return true;
  const lines = text.split('\n');
  const inserts = lines.filter((line) => /^\s*INSERT INTO\b/i.test(line)).length;
  if (inserts >= lines.length / 2) return true;
  const letters = text.match(/[A-Za-z_]/g)?.length ?? 0;
  return letters < text.length * 0.1;
}
