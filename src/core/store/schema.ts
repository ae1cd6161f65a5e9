import { Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Utf8 } from 'apache-arrow';
import type { Chunk } from '../chunking/chunk';

export const CHUNKS_TABLE = 'chunks';
export const FILES_TABLE = 'files';

/** A chunk as stored: the chunk, its vector, and the code-aware keyword text. */
export type ChunkRow = {
  id: string;
  path: string;
  language: string;
  start_line: number;
  end_line: number;
  symbol: string | null;
  kind: string | null;
  content_hash: string;
  text: string;
  search_text: string;
  /** Lookup keys of the declarations the chunk defines (see definitionKeys). */
  definitions: string[];
  vector: number[] | Float32Array;
  vector_state: VectorState;
  /** The static table's vector: there for every row whose vector_state is not NONE when the index has a table. */
  static_vector: number[] | Float32Array;
};

/**
 * Whether a chunk's vector is there yet. Chunks are written for keyword search first and embedded
 * after; a chunk retrieval should never return by meaning (vendored, generated, data) gets no vector.
 * Only READY rows take part in dense search.
 */
export const VectorState = { PENDING: 0, READY: 1, NONE: 2 } as const;
export type VectorState = (typeof VectorState)[keyof typeof VectorState];

/** One catalog entry per indexed file: how the incremental sync knows what changed. */
export interface FileRow {
  path: string;
  size: number;
  mtime_ms: number;
  content_hash: string;
  chunk_count: number;
  language: string;
}

/** staticDimension: the static table's width; 1 (a placeholder column never searched) without a table. */
export function chunksSchema(dimension: number, staticDimension: number): Schema {
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('path', new Utf8(), false),
    new Field('language', new Utf8(), false),
    new Field('start_line', new Int32(), false),
    new Field('end_line', new Int32(), false),
    new Field('symbol', new Utf8(), true),
    new Field('kind', new Utf8(), true),
    new Field('content_hash', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field('search_text', new Utf8(), false),
    new Field('definitions', new List(new Field('item', new Utf8(), true)), false),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
    new Field('vector_state', new Int32(), false),
    new Field('static_vector', new FixedSizeList(staticDimension, new Field('item', new Float32(), true)), false),
  ]);
}

export function filesSchema(): Schema {
  return new Schema([
    new Field('path', new Utf8(), false),
    new Field('size', new Float64(), false),
    new Field('mtime_ms', new Float64(), false),
    new Field('content_hash', new Utf8(), false),
    new Field('chunk_count', new Int32(), false),
    new Field('language', new Utf8(), false),
  ]);
}

export function rowToChunk(row: ChunkRow): Chunk {
  return {
    id: row.id,
    path: row.path,
    language: row.language,
    startLine: row.start_line,
    endLine: row.end_line,
    symbol: row.symbol ?? undefined,
    kind: row.kind ?? undefined,
    contentHash: row.content_hash,
    text: row.text,
  };
}

/** A string literal for LanceDB's SQL filters. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `column IN (...)` filters, in slices small enough for the SQL parser. */
export function inFilters(column: string, values: readonly string[], sliceSize = 500): string[] {
  const filters: string[] = [];
  for (let i = 0; i < values.length; i += sliceSize) {
    filters.push(
      `${column} IN (${values
        .slice(i, i + sliceSize)
        .map(sqlString)
        .join(', ')})`,
    );
  }
  return filters;
}
