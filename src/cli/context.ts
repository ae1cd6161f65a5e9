import path from 'node:path';
import { defaultModelsDir } from '../core/embedding/locate';
import { isObjectStore, normalizeObjectStoreUri } from '../core/store/location';

/** What every command gets: where the index and the models are, and how to print. */
export interface CliContext {
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

/** Default index folder: `.reposage/index` inside the repository. An s3:// (gs://, az://) URI stays one. */
export function resolveDbDir(root: string, db: string | undefined): string {
  if (db && isObjectStore(db)) return normalizeObjectStoreUri(db);
  return path.resolve(db ?? path.join(root, '.reposage', 'index'));
}

/** `--shared URI`: an object-store URI as given, a folder made absolute. */
export function resolveSharedIndex(shared: string | undefined): string | undefined {
  if (!shared) return undefined;
  return isObjectStore(shared) ? normalizeObjectStoreUri(shared) : path.resolve(shared);
}

/** `--models DIR`, else the models bundled next to the CLI (dist/models), else the provisioned cache. */
export function resolveModelsDir(models: string | undefined): string | undefined {
  return models ? path.resolve(models) : defaultModelsDir(path.join(__dirname, 'models'));
}

export function print(ctx: CliContext, humanText: string, json: unknown): void {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(json)}\n` : `${humanText}\n`);
}
