import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './context';

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
}

/** One CLI command: its flags, its help line, and what it does. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CliContext, args: ParsedArgs): Promise<void>;
}
