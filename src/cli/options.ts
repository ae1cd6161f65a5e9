import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { RetrievalMode } from '../core/retrieval/types';
import { DEFAULT_OLLAMA_HOST } from '../core/defaults';

/**
 * Flags that several commands share, declared once: name, value type (through the parser), default
 * and help text. Commander turns each declaration into a typed value and into `--help`.
 */

export const RETRIEVAL_MODES: readonly RetrievalMode[] = ['bm25', 'dense', 'hybrid', 'rerank'];

/** Parses a count flag; commander names the flag in the error. */
export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('It must be a whole number of at least 1.');
  }
  return n;
}

/** For a required text argument: an empty or blank one is a mistake. */
export function nonBlank(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('It is empty.');
  return value;
}

export function modeList(value: string): RetrievalMode[] {
  return value.split(',').map((mode) => {
    const trimmed = mode.trim();
    if (!(RETRIEVAL_MODES as readonly string[]).includes(trimmed)) {
      throw new InvalidArgumentError(`Unknown mode "${trimmed}"; use some of ${RETRIEVAL_MODES.join(', ')}.`);
    }
    return trimmed as RetrievalMode;
  });
}

export const dbOption = () =>
  new Option('--db <dir>', 'index folder, or s3://BUCKET/PREFIX in object storage (default: DIR/.reposage/index)');
/** A shared index (built in CI): --db then holds only a local overlay of the files that differ from it. */
export const sharedOption = () =>
  new Option(
    '--shared <uri>',
    'shared index to read, e.g. s3://BUCKET/PREFIX; the local index holds only files that differ from it',
  );
export const modelsOption = () =>
  new Option(
    '--models <dir>',
    'folder with the local embedding and re-rank models (default: REPOSAGE_MODELS_DIR, the bundled models, ' +
      'else the model cache)',
  );
export const ollamaOption = () =>
  new Option('--ollama <url>', `Ollama server (default: OLLAMA_HOST, else ${DEFAULT_OLLAMA_HOST})`);
export const kOption = (help: string, fallback: number) =>
  new Option('--k <n>', help).argParser(wholeNumber).default(fallback);
export const jsonOption = () => new Option('--json', 'print one JSON object on stdout (errors too)');
export const quietOption = () => new Option('-q, --quiet', 'print no progress on stderr');
/** The repository; commands that take --db default to the folder that index was built from. */
export const dirArgument = ['[dir]', 'the repository (default: the current folder)'] as const;
