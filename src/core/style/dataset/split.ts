import { createHash } from 'node:crypto';
import type { Split, StyleExample } from '../types';

/** About one file in ten goes to validation. */
const VALIDATION_SHARE = 0.1;

/**
 * Splits by file, never by example: all examples showing a file's code go to the same side, so the
 * model is never validated on code it was trained on. A file's side comes from a hash of its path,
 * so it stays put when the repository grows. A commit goes to validation when it shows code of any
 * validation file, else to train.
 */
export function splitExamples(examples: readonly StyleExample[]): Record<Split, StyleExample[]> {
  const validationFiles = chooseValidationFiles(examples.flatMap((example) => example.files));
  const train: StyleExample[] = [];
  const validation: StyleExample[] = [];
  for (const example of examples) {
    (example.files.some((file) => validationFiles.has(file)) ? validation : train).push(example);
  }
  return { train, validation };
}

function chooseValidationFiles(files: readonly string[]): Set<string> {
  const ranked = [...new Set(files)].map((file) => ({ file, position: hashPosition(file) }));
  const chosen = new Set(ranked.filter((r) => r.position < VALIDATION_SHARE).map((r) => r.file));
  // A small repository can hash every file to one side; the file nearest the line then moves, so
  // there is always something to validate on and something to train on.
  if (chosen.size === 0 && ranked.length >= 2) {
    chosen.add(ranked.reduce((a, b) => (b.position < a.position ? b : a)).file);
  } else if (chosen.size === ranked.length && ranked.length >= 2) {
    chosen.delete(ranked.reduce((a, b) => (b.position > a.position ? b : a)).file);
  }
  return chosen;
}

/** Where the path falls in [0, 1): the first 32 bits of its sha256. */
function hashPosition(file: string): number {
  return createHash('sha256').update(file).digest().readUInt32BE(0) / 2 ** 32;
}
