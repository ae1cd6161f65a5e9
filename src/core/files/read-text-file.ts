import { promises as fs } from 'node:fs';
import path from 'node:path';
import { kindByContent } from './kinds';
import { findSecret } from './secrets';
import { decodeText, looksBinary } from './sniff';
import type { ReadOptions, ReadResult } from './types';
import { DEFAULT_MAX_FILE_BYTES } from '../defaults';

/**
 * Reads a file as text for indexing. Binary, oversized and unreadable files, files holding a
 * secret, and kinds no one asks about (generated, minified, data dumps...) come back as a skip
 * reason rather than an error, so one odd file never stops an index run.
 */
export async function readTextFile(
  absolutePath: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  options: ReadOptions = {},
): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    const handle = await fs.open(absolutePath, 'r');
    try {
      // Checked on the open handle, so a file that grew since the walk is still caught before reading.
      if ((await handle.stat()).size > maxBytes) return { skipped: 'too-large' };
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isFileSystemError(error)) return { skipped: 'unreadable' };
    throw error;
  }
  if (bytes.length > maxBytes) return { skipped: 'too-large' };
  if (looksBinary(bytes)) return { skipped: 'binary' };
  const text = decodeText(bytes);
  const secret = options.callerScrubsSecrets ? undefined : findSecret(text);
  if (secret) return { skipped: 'secret', detail: secret };
  const kind = kindByContent(path.basename(absolutePath), text);
  if (kind && !options.includeKinds?.includes(kind)) return { skipped: kind };
  return { text };
}

/** Permission denied, deleted since the walk, a folder in its place: the file's problem, not ours. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
