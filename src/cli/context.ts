import path from 'node:path';
import { defaultModelsDir } from '../core/embedding/locate';

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
  return path.resolve(db ?? path.join(root, '.reposage', 'index'));
}

/** `--models DIR`, else the models bundled next to the CLI (dist/models), else the provisioned cache. */
export function resolveModelsDir(models: string | undefined): string | undefined {
  return models ? path.resolve(models) : defaultModelsDir(path.join(__dirname, 'models'));
}

export function print(ctx: CliContext, humanText: string, json: unknown): void {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(json)}\n` : `${humanText}\n`);
}

/** A warning for the person at the terminal; `--json` callers read warnings from stderr too. */
export function warn(ctx: CliContext, text: string): void {
  ctx.stderr.write(`reposage: ${text}\n`);
}
