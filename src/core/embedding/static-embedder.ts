import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { RepoSageError, throwIfCancelled } from '../errors';
import { loadModel } from './load-model';
import type { Embedder } from './types';
import { asciiWordPiece } from './wordpiece';

/**
 * A static embedding table (the model2vec method): one vector per token of a transformer's
 * vocabulary, distilled from that transformer (`npm run bench -- distill-static`). A text's vector
 * is the mean of its tokens' rows: no network runs, so it costs a tokenization and a sum.
 */
export interface StaticTable {
  /** The transformer whose tokenizer and vocabulary the table belongs to. */
  baseModel: string;
  dimension: number;
  vocabSize: number;
  /** One scale per row: row i is rows[i*dimension ... (i+1)*dimension) times scales[i]. */
  scales: Float32Array;
  rows: Int8Array;
  /** Identifies this exact table: the manifest records it, so vectors of another table are never compared. */
  id: string;
}

/** What the distillation records about itself in the file's header. */
export interface StaticTableHeader {
  format: 1;
  baseModel: string;
  dimension: number;
  vocabSize: number;
  /** How the table was made, for whoever reads the file. */
  method: string;
}

const MAGIC = 'RSST';

/**
 * Tables ship beside the code: src/core/embedding/static-embedding/ in the sources, copied to
 * dist/static-embedding/ by the build (every bundle's __dirname is dist/).
 */
export const STATIC_TABLE_DIR = path.join(__dirname, 'static-embedding');

/** The shipped table for a transformer, named after it (Xenova/all-MiniLM-L6-v2 → all-MiniLM-L6-v2.bin). */
export function staticTablePath(baseModel: string, dir = STATIC_TABLE_DIR): string {
  return path.join(dir, `${baseModel.split('/').pop()}.bin`);
}

/** Whether a static table ships for this transformer. */
export function hasStaticTable(baseModel: string, dir = STATIC_TABLE_DIR): boolean {
  return existsSync(staticTablePath(baseModel, dir));
}

/** The file layout: magic, header length (u32 LE), JSON header, padding to 4 bytes, f32 scales, i8 rows. */
export function encodeStaticTable(header: StaticTableHeader, scales: Float32Array, rows: Int8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = align4(8 + json.length);
  const file = Buffer.alloc(headerEnd + scales.byteLength + rows.byteLength);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(json.length, 4);
  json.copy(file, 8);
  Buffer.from(scales.buffer, scales.byteOffset, scales.byteLength).copy(file, headerEnd);
  Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength).copy(file, headerEnd + scales.byteLength);
  return file;
}

export function decodeStaticTable(file: Buffer, where: string): StaticTable {
  const damaged = (why: string) =>
    new RepoSageError(
      'MODEL_LOAD_FAILED',
      `The static embedding table ${where} is damaged: ${why}.`,
      'Reinstall RepoSage, or rebuild the table with `npm run bench -- distill-static` in its sources.',
    );
  if (file.length < 8 || file.toString('latin1', 0, 4) !== MAGIC) throw damaged('it does not start as one');
  const headerLength = file.readUInt32LE(4);
  let header: StaticTableHeader;
  try {
    header = JSON.parse(file.toString('utf8', 8, 8 + headerLength)) as StaticTableHeader;
  } catch {
    throw damaged('its header is not JSON');
  }
  const { dimension, vocabSize } = header;
  const headerEnd = align4(8 + headerLength);
  if (header.format !== 1 || file.length !== headerEnd + vocabSize * 4 + vocabSize * dimension) {
    throw damaged(`it holds ${file.length} bytes, not ${vocabSize} rows of ${dimension}`);
  }
  // Copied out of the read buffer: a Float32Array needs 4-byte alignment, which a Node Buffer need not have.
  const scales = new Float32Array(
    file.buffer.slice(file.byteOffset + headerEnd, file.byteOffset + headerEnd + vocabSize * 4),
  );
  const rowsStart = headerEnd + vocabSize * 4;
  const rows = new Int8Array(file.buffer.slice(file.byteOffset + rowsStart, file.byteOffset + file.length));
  const digest = createHash('sha256').update(file).digest('hex').slice(0, 12);
  return {
    baseModel: header.baseModel,
    dimension,
    vocabSize,
    scales,
    rows,
    id: `static:${header.baseModel}:${dimension}d@${digest}`,
  };
}

export interface StaticEmbedderOptions {
  /** Where the table's base model is (transformers.js layout): its tokenizer is loaded from there. */
  modelsDir?: string;
  tablePath: string;
}

/** Tokens of one text that are read: model2vec reads 512; chunks are cut to the transformer's 256 anyway. */
const MAX_TOKENS = 512;

/** Loads a static table and its base model's tokenizer: mean-pooled, L2-normalised vectors, one per text. */
export async function createStaticEmbedder(options: StaticEmbedderOptions): Promise<Embedder> {
  const file = await readFile(options.tablePath).catch((error: unknown) => {
    throw new RepoSageError(
      'MODEL_NOT_FOUND',
      `The static embedding table ${options.tablePath} could not be read: ${(error as Error).message}.`,
      'Reinstall RepoSage, or rebuild the table with `npm run bench -- distill-static` in its sources.',
      { cause: error },
    );
  });
  const table = decodeStaticTable(file, options.tablePath);
  const tokenizer = await loadModel(table.baseModel, options.modelsDir, () =>
    AutoTokenizer.from_pretrained(table.baseModel),
  );
  return staticEmbedder(table, tokenizer);
}

/** The static embedder shipped for this embedding model, or undefined when no table ships for it. */
export async function loadStaticEmbedder(
  baseModel: string,
  modelsDir: string | undefined,
): Promise<Embedder | undefined> {
  if (!hasStaticTable(baseModel)) return undefined;
  return createStaticEmbedder({ modelsDir, tablePath: staticTablePath(baseModel) });
}

export function staticEmbedder(table: StaticTable, tokenizer: PreTrainedTokenizer): Embedder {
  const { dimension, rows, scales } = table;
  // transformers.js keeps the tokenizer.json it was built from; without one the tokenizer does all the work.
  const fast = asciiWordPiece((tokenizer as unknown as { _tokenizerJSON?: unknown })._tokenizerJSON);
  const encode = (text: string) => fast?.(text) ?? tokenizer.encode(text, { add_special_tokens: false });
  return {
    modelId: table.id,
    dimension,
    async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
      return texts.map((text) => {
        throwIfCancelled(signal);
        const ids = encode(text).slice(0, MAX_TOKENS);
        return meanOfRows(ids, rows, scales, dimension);
      });
    },
    async dispose(): Promise<void> {},
  };
}

function meanOfRows(ids: readonly number[], rows: Int8Array, scales: Float32Array, dimension: number): Float32Array {
  const sum = new Float32Array(dimension);
  for (const id of ids) {
    const scale = scales[id];
    const start = id * dimension;
    for (let d = 0; d < dimension; d++) sum[d] += rows[start + d] * scale;
  }
  let norm = 0;
  for (let d = 0; d < dimension; d++) norm += sum[d] * sum[d];
  // A text without tokens (only whitespace) has no direction; a unit vector keeps cosine defined.
  if (norm === 0) {
    sum[0] = 1;
    return sum;
  }
  const inverse = 1 / Math.sqrt(norm);
  for (let d = 0; d < dimension; d++) sum[d] *= inverse;
  return sum;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
