import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { RepoSageError } from '../errors';
import { cancelled } from './failures';

/** The digest Ollama names a blob by: "sha256:" and the hex SHA-256 of the file's bytes. */
export async function fileDigest(filePath: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(filePath, { signal })) hash.update(chunk as Buffer);
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    throw new RepoSageError(
      'FILE_UNREADABLE',
      `Cannot read ${filePath}: ${error instanceof Error ? error.message : String(error)}`,
      'Check that the file exists and can be read.',
      { cause: error },
    );
  }
  return `sha256:${hash.digest('hex')}`;
}
