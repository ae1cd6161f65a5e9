import { createHash } from 'node:crypto';

/** The hash a file's text is known by in the catalog: the same text, the same hash, on any machine. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
