import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RepoSageError } from '../../errors';
import { formatDatasetCard } from './card';
import type { StyleDataset } from './export';
import { EXAMPLE_KINDS, type Split, type StyleExample } from '../types';

/**
 * `<split>.jsonl` holds exactly what the training recipe reads, one `{"messages": [...]}` per line
 * (TRL's conversational format). `<split>.meta.jsonl` holds, line for line, what the comparison
 * needs besides: the example's kind and the files its code came from.
 */
const dataFile = (split: Split) => `${split}.jsonl`;
const metaFile = (split: Split) => `${split}.meta.jsonl`;
const DATASET_CARD = 'README.md';

interface ExampleMeta {
  kind: StyleExample['kind'];
  source: string;
  files: string[];
  line?: number;
}

/** Writes both splits, their metadata and the dataset card; returns the paths written. */
export async function writeStyleDataset(dataset: StyleDataset, outDir: string, now = new Date()): Promise<string[]> {
  await fs.mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, content: string) => {
    const target = path.join(outDir, name);
    await fs.writeFile(target, content);
    written.push(target);
  };
  for (const split of ['train', 'validation'] as const) {
    const examples = dataset.splits[split];
    await write(
      dataFile(split),
      examples.map((example) => `${JSON.stringify({ messages: example.messages })}\n`).join(''),
    );
    await write(metaFile(split), examples.map((example) => `${JSON.stringify(metaOf(example))}\n`).join(''));
  }
  await write(DATASET_CARD, formatDatasetCard(dataset, now));
  return written;
}

/** Reads one split back, with its metadata, as the exporter wrote it. */
export async function readStyleSplit(dataDir: string, split: Split): Promise<StyleExample[]> {
  const [data, meta] = await Promise.all([
    readLines(path.join(dataDir, dataFile(split))),
    readLines(path.join(dataDir, metaFile(split))),
  ]);
  if (data.length !== meta.length) {
    throw invalidDataset(
      dataDir,
      `${dataFile(split)} has ${data.length} examples but ${metaFile(split)} describes ${meta.length}`,
    );
  }
  return data.map((line, i) => {
    const where = `${dataFile(split)}:${i + 1}`;
    const messages = parseJson(line, dataDir, where).messages;
    const info = parseJson(meta[i], dataDir, `${metaFile(split)}:${i + 1}`) as Partial<ExampleMeta>;
    if (!isConversation(messages))
      throw invalidDataset(dataDir, `${where} is not a system, user, assistant conversation`);
    if (!EXAMPLE_KINDS.includes(info.kind as never) || typeof info.source !== 'string' || !Array.isArray(info.files)) {
      throw invalidDataset(dataDir, `${metaFile(split)}:${i + 1} lacks kind, source or files`);
    }
    return {
      kind: info.kind!,
      source: info.source,
      files: info.files,
      ...(info.line ? { line: info.line } : {}),
      messages,
    };
  });
}

function metaOf(example: StyleExample): ExampleMeta {
  return {
    kind: example.kind,
    source: example.source,
    files: example.files,
    ...(example.line ? { line: example.line } : {}),
  };
}

async function readLines(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new RepoSageError(
      'FILE_UNREADABLE',
      `Cannot read ${file}: ${(error as Error).message}.`,
      'Export the dataset first with `reposage style export --out DIR`, then pass that folder as --data.',
      { cause: error },
    );
  }
  return text.split('\n').filter((line) => line.trim() !== '');
}

function parseJson(line: string, dataDir: string, where: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch (error) {
    throw invalidDataset(dataDir, `${where} is not valid JSON (${(error as Error).message})`);
  }
}

function isConversation(value: unknown): value is StyleExample['messages'] {
  const roles = ['system', 'user', 'assistant'];
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((m, i) => m?.role === roles[i] && typeof m?.content === 'string')
  );
}

function invalidDataset(dataDir: string, problem: string): RepoSageError {
  return new RepoSageError(
    'INVALID_INPUT',
    `The style dataset in ${dataDir} is damaged: ${problem}.`,
    'Export it again with `reposage style export`.',
  );
}
