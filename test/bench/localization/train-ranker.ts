import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadIndexerModels } from '../../../src/core/indexer/models';
import { FEATURE_NAMES, candidateFeatures } from '../../../src/core/ranking/features';
import type { RankerModel } from '../../../src/core/ranking/learned-ranker';
import { createRetriever } from '../../../src/core/retrieval/retriever';
import { testModels } from '../../support/models';
import { forEachRepo } from './corpus';

/** Where the shipped model lives; the bench runs from the repository root (npm run). */
export const RANKER_MODEL_FILE = path.resolve('src/core/ranking/ranker-model.json');
/** Candidates per list the ranker sees in training, as in use (the retriever's default depth). */
const DEPTH = 50;

/** One question's candidates: feature vectors and whether each sits in a fixed file. */
interface Group {
  features: number[][];
  labels: number[];
}

/**
 * `npm run bench -- train-ranker`: mines the training repositories (role train in repos.json,
 * disjoint from the bench's), retrieves hybrid candidates for each fix's text, and fits a linear
 * scorer with a listwise softmax loss (each question's fixed-file chunks against its other
 * candidates). Writes src/core/ranking/ranker-model.json.
 */
export async function trainRanker(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const models = testModels();
  const indexer = await loadIndexerModels({ modelsDir: models.modelsDir });
  const groups: Group[] = [];
  const used: Array<{ repo: string; pin: string; questions: number }> = [];
  try {
    await forEachRepo('train', indexer, log, async ({ repo, store, questions }) => {
      const retriever = createRetriever({ store, embedder: indexer.embedder });
      let count = 0;
      for (const question of questions) {
        const gold = new Set(question.expected.map((location) => location.path));
        const { trace } = await retriever.retrieve(question.question, { mode: 'hybrid', k: DEPTH, candidates: DEPTH });
        const labels = trace.candidates.map(({ chunk }) => (gold.has(chunk.path) ? 1 : 0));
        if (!labels.includes(1)) continue;
        groups.push({ features: candidateFeatures(question.question, trace.candidates), labels });
        count++;
      }
      used.push({ repo: repo.repo, pin: repo.pin, questions: count });
      log(`${repo.repo}: ${count} of ${questions.length} questions have a fixed file among the candidates`);
    });
  } finally {
    await indexer.embedder.dispose();
  }
  if (groups.length === 0) throw new Error('No training questions: fetch the training repositories first.');
  const model = fitListwise(groups);
  await fs.writeFile(RANKER_MODEL_FILE, `${JSON.stringify({ ...model, trainedOn: used }, null, 2)}\n`);
  log(`\nwrote ${RANKER_MODEL_FILE} from ${groups.length} questions`);
  for (const [i, name] of FEATURE_NAMES.entries()) log(`  ${name.padEnd(20)} ${model.weights[i].toFixed(3)}`);
}

/** Gradient descent on the mean over questions of -log(softmax mass on the fixed-file chunks), with L2. */
export function fitListwise(groups: Group[], epochs = 400, rate = 0.5, l2 = 1e-3): RankerModel {
  const dims = FEATURE_NAMES.length;
  const rows = groups.flatMap((group) => group.features);
  const mean = Array.from({ length: dims }, (_, j) => rows.reduce((sum, row) => sum + row[j], 0) / rows.length);
  const scale = Array.from(
    { length: dims },
    (_, j) => Math.sqrt(rows.reduce((sum, row) => sum + (row[j] - mean[j]) ** 2, 0) / rows.length) || 1,
  );
  const standardized = groups.map((group) => ({
    x: group.features.map((row) => row.map((v, j) => (v - mean[j]) / scale[j])),
    y: group.labels,
  }));
  const weights = new Array<number>(dims).fill(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradient = weights.map((w) => l2 * w);
    for (const { x, y } of standardized) {
      const scores = x.map((row) => row.reduce((sum, v, j) => sum + v * weights[j], 0));
      const top = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - top));
      const total = exp.reduce((a, b) => a + b, 0);
      const positive = exp.reduce((sum, e, i) => sum + (y[i] ? e : 0), 0);
      // d/dw of -log(sum_pos e / sum_all e): softmax over all minus softmax over the positives.
      x.forEach((row, i) => {
        const coefficient = exp[i] / total - (y[i] ? exp[i] / positive : 0);
        for (let j = 0; j < dims; j++) gradient[j] += (coefficient * row[j]) / standardized.length;
      });
    }
    for (let j = 0; j < dims; j++) weights[j] -= rate * gradient[j];
  }
  return { features: [...FEATURE_NAMES], mean, scale, weights, bias: 0 };
}
