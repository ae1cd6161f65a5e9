import { existsSync } from 'node:fs';
import path from 'node:path';
import { isObjectStore, normalizeObjectStoreUri } from '../core/store/location';
import { terminalSafe } from './terminal-text';
import { defaultModelsDir } from '../core/embedding/locate';
import { RepoSageError } from '../core/errors';
import { readManifest } from '../core/store/manifest';

/** What every command gets: how to print, whether to print progress, and when to stop. */
export interface CliContext {
  json: boolean;
  quiet: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

export type CliStreams = Omit<CliContext, 'json' | 'quiet'>;

/** The context of one command run, from the streams and its `--json` / `--quiet` flags. */
export function contextFor(streams: CliStreams, flags: { json?: boolean; quiet?: boolean }): CliContext {
  return { ...streams, json: flags.json === true, quiet: flags.quiet === true };
}

/** Default index folder: `.reposage/index` inside the repository. */
export function resolveDbDir(root: string, db: string | undefined): string {
  // An s3:// (gs://, az://) URI stays one: LanceDB opens it in object storage.
  if (db && isObjectStore(db)) return normalizeObjectStoreUri(db);
  return path.resolve(db ?? path.join(root, '.reposage', 'index'));
}

/**
 * The repository a command works on: DIR when given; else, with --db, the folder that index was
 * built from, so `ask --db` verifies sources from any working directory; else the current one.
 */
export async function resolveRoot(dir: string | undefined, db: string | undefined): Promise<string> {
  if (dir) return path.resolve(dir);
  // A damaged manifest is reported when the index is opened; here it only means "no recorded root".
  // A shared index in object storage was built elsewhere (in CI): its recorded root is not a folder here.
  const root =
    db && !isObjectStore(db) ? (await readManifest(path.resolve(db)).catch(() => undefined))?.root : undefined;
  if (!root) return path.resolve('.');
  if (!existsSync(root)) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `The index in ${path.resolve(db!)} was built from ${root}, which no longer exists.`,
      "Name the repository's folder after the question or query (DIR), or re-index it: " +
        `\`reposage index DIR --db ${db}\`.`,
    );
  }
  return root;
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

/** JSON escapes control characters itself; text for a terminal has them removed (see terminal-text.ts). */
export function print(ctx: CliContext, humanText: string, json: unknown): void {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(json)}\n` : `${terminalSafe(humanText)}\n`);
}

/** A warning for the person at the terminal; `--json` callers read warnings from stderr too. */
export function warn(ctx: CliContext, text: string): void {
  ctx.stderr.write(`reposage: ${terminalSafe(text)}\n`);
}
