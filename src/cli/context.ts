import path from 'node:path';
import { terminalSafe } from './terminal-text';
import { defaultModelsDir } from '../core/embedding/locate';

/** What every command gets: where the index and the models are, and how to print. */
export interface CliContext {
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

/** Default index folder: `.reposage/index` inside the repository. */
export function resolveDbDir(root: string, db: string | undefined): string {
  return path.resolve(db ?? path.join(root, '.reposage', 'index'));
}

/** `--models DIR`, else the models bundled next to the CLI (dist/models), else the provisioned cache. */
export function resolveModelsDir(models: string | undefined): string | undefined {
  return models ? path.resolve(models) : defaultModelsDir(path.join(__dirname, 'models'));
}

/** JSON escapes control characters itself; text for a terminal has them removed (see terminal-text.ts). */
export function print(ctx: CliContext, humanText: string, json: unknown): void {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(json)}\n` : `${terminalSafe(humanText)}\n`);
}
