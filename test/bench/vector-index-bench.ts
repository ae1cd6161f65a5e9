import * as lancedb from '@lancedb/lancedb';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunksSchema } from '../../src/core/store/schema';
import { percentile } from '../../src/core/eval/metrics';
import { printTable } from './table';

/**
 * Exact (flat) vector search against LanceDB's approximate indexes at the index sizes users have.
 * Random unit vectors are fine for latency but the worst case for an approximate index (no
 * clusters to find), so the recall they give is a floor; benchVectorIndexOnVectors measures the
 * same on real embeddings.
 */
const SIZES = [5_000, 20_000, 50_000];
const DIMENSION = 384;
const QUERIES = 40;
const LIMIT = 50;

interface Variant {
  name: string;
  index?: (rows: number) => lancedb.Index;
  nprobes?: number;
}

const partitions = (rows: number) => Math.max(1, Math.round(Math.sqrt(rows)));

const VARIANTS: Variant[] = [
  { name: 'flat (exact)' },
  {
    name: 'ivf_flat',
    index: (rows) => lancedb.Index.ivfFlat({ distanceType: 'cosine', numPartitions: partitions(rows) }),
  },
  {
    name: 'ivf_flat nprobes=64',
    index: (rows) => lancedb.Index.ivfFlat({ distanceType: 'cosine', numPartitions: partitions(rows) }),
    nprobes: 64,
  },
  { name: 'hnsw_sq', index: () => lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: 1 }) },
];

export async function benchVectorIndex(): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  for (const size of SIZES) {
    const random = seededRandom(size);
    const vectors = Array.from({ length: size }, () => randomUnitVector(random));
    const queries = Array.from({ length: QUERIES }, () => randomUnitVector(random));
    rows.push(...(await compareVectorSearch(`${size} random`, vectors, queries)));
  }
  printTable(rows);
}

/** The same comparison on real vectors and queries (the retrieval benchmark's index and questions). */
export async function benchVectorIndexOnVectors(
  label: string,
  vectors: Float32Array[],
  queries: Float32Array[],
): Promise<void> {
  printTable(await compareVectorSearch(label, vectors, queries));
}

async function compareVectorSearch(
  label: string,
  vectors: Float32Array[],
  queries: Float32Array[],
): Promise<Array<Record<string, string | number>>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-vector-bench-'));
  try {
    const db = await lancedb.connect(work);
    const table = await db.createEmptyTable('chunks', chunksSchema(vectors[0].length, 1));
    for (let start = 0; start < vectors.length; start += 5_000) {
      await table.add(vectors.slice(start, start + 5_000).map((vector, i) => fakeRow(start + i, vector)));
    }
    const rows: Array<Record<string, string | number>> = [];
    let exact: string[][] = [];
    for (const variant of VARIANTS) {
      let buildMs = 0;
      if (variant.index) {
        const start = performance.now();
        await table.createIndex('vector', { config: variant.index(vectors.length), replace: true });
        buildMs = performance.now() - start;
      }
      const result = await measure(table, queries, variant.nprobes);
      if (!variant.index) exact = result.ids;
      const recall =
        result.ids.reduce(
          (sum, ids, i) => sum + ids.filter((id) => exact[i].includes(id)).length / exact[i].length,
          0,
        ) / result.ids.length;
      rows.push({
        vectors: label,
        rows: vectors.length,
        search: variant.name,
        'build s': buildMs / 1000,
        'p50 ms': percentile(result.times, 50),
        'p95 ms': percentile(result.times, 95),
        [`recall@${LIMIT} vs exact`]: recall,
      });
    }
    table.close();
    return rows;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function measure(
  table: lancedb.Table,
  queries: Float32Array[],
  nprobes: number | undefined,
): Promise<{ times: number[]; ids: string[][] }> {
  await search(table, queries[0], nprobes); // warm the file cache
  const times: number[] = [];
  const ids: string[][] = [];
  for (const query of queries) {
    const start = performance.now();
    ids.push(await search(table, query, nprobes));
    times.push(performance.now() - start);
  }
  return { times, ids };
}

async function search(table: lancedb.Table, query: Float32Array, nprobes: number | undefined): Promise<string[]> {
  let search = table.vectorSearch(query).column('vector').distanceType('cosine');
  if (nprobes) search = search.nprobes(nprobes);
  // The same columns the store reads for a dense search, so row fetching is measured too.
  const rows = await search
    .select(['id', 'path', 'start_line', 'end_line', 'text', '_distance'])
    .limit(LIMIT)
    .toArray();
  return rows.map((r) => r.id as string);
}

function fakeRow(i: number, vector: Float32Array) {
  return {
    id: `c${i}`,
    path: `src/file${Math.floor(i / 20)}.ts`,
    language: 'typescript',
    start_line: (i % 20) * 30 + 1,
    end_line: (i % 20) * 30 + 30,
    symbol: null,
    kind: null,
    content_hash: `h${i}`,
    text: `chunk ${i} `.repeat(100),
    search_text: `chunk ${i}`,
    vector: Array.from(vector),
  };
}

/** Deterministic, so two runs measure the same data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

function randomUnitVector(random: () => number): Float32Array {
  const vector = new Float32Array(DIMENSION);
  let norm = 0;
  for (let i = 0; i < DIMENSION; i++) {
    // Box-Muller: Gaussian components give directions uniform on the sphere.
    const value = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
    vector[i] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < DIMENSION; i++) vector[i] /= norm;
  return vector;
}
