import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AskEvent } from '../../src/core/chat/types';
import type { Chunk } from '../../src/core/chunking/chunk';
import type { RetrievalResult, RetrieveOptions, Retriever } from '../../src/core/retrieval/types';

/** A small repository: a config parser, a server that uses it, and a guide. */
export const FIXTURE_FILES: Record<string, string> = {
  'src/config.ts': [
    'export interface Config { port: number; host: string }',
    '',
    '/** Reads the configuration file and fills in defaults. */',
    'export function parseConfig(text: string): Config {',
    '  const raw = JSON.parse(text);',
    "  return { port: raw.port ?? 8080, host: raw.host ?? 'localhost' };",
    '}',
    '',
  ].join('\n'),
  'src/server.ts': [
    "import { parseConfig } from './config';",
    '',
    '/** Starts the HTTP server on the configured port. */',
    'export function startServer(configText: string): number {',
    '  const config = parseConfig(configText);',
    '  return config.port;',
    '}',
    '',
  ].join('\n'),
  'docs/guide.md': '# Guide\n\nRun `npm start` to start the server on port 8080.\n',
};

/** A chunk of lines start..end of a file on disk, shaped as the indexer stores it (header line, then the code). */
export async function chunkOf(root: string, relative: string, startLine: number, endLine: number): Promise<Chunk> {
  const lines = (await fs.readFile(path.join(root, relative), 'utf8')).split('\n');
  const text = [`// ${relative}`, ...lines.slice(startLine - 1, endLine)].join('\n');
  return {
    id: `${relative}:${startLine}`,
    path: relative,
    language: relative.endsWith('.md') ? 'markdown' : 'typescript',
    startLine,
    endLine,
    contentHash: createHash('sha256').update(text).digest('hex'),
    text,
  };
}

/** A retriever that returns the same chunks, best first, for every query, and remembers the queries and options. */
export class FixedRetriever implements Retriever {
  readonly queries: string[] = [];
  readonly options: RetrieveOptions[] = [];

  constructor(private readonly chunks: Chunk[]) {}

  async retrieve(query: string, options: RetrieveOptions = {}): Promise<RetrievalResult> {
    this.queries.push(query);
    this.options.push(options);
    const chunks = this.chunks
      .slice(0, options.k ?? 5)
      .map((chunk, i) => ({ chunk, score: 1 / (i + 1), ranks: { rerank: i + 1 }, scores: { rerank: 1 / (i + 1) } }));
    return { chunks, trace: { query, mode: 'rerank', stages: [], candidates: chunks, totalMs: 0 } };
  }
}

export async function collect(events: AsyncIterable<AskEvent>): Promise<AskEvent[]> {
  const all: AskEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export function finalOf(events: AskEvent[]): Extract<AskEvent, { type: 'final' }> {
  const last = events.at(-1);
  if (last?.type !== 'final') throw new Error(`the last event is ${last?.type}, not final`);
  return last;
}
