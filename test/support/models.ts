import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestModels {
  /** Folder in transformers.js layout, outside the repository. */
  modelsDir: string;
  embeddingModel: string;
  /** Null when no real cross-encoder could be provisioned; re-ranking tests skip then. */
  rerankModel: string | null;
}

interface ProvisionRecord {
  modelsDir: string;
  embedding: { id: string };
  reranker: { id: string } | null;
}

/** The real models that test/support/provision-models.mjs put in place (same cache folder rule as there). */
export function testModels(): TestModels {
  const cacheDir = path.resolve(
    process.env.REPOSAGE_MODELS_CACHE || path.join(os.homedir(), '.cache', 'reposage', 'models'),
  );
  const recordPath = path.join(cacheDir, 'provisioned.json');
  if (!fs.existsSync(recordPath)) {
    throw new Error(
      `No provisioned models at ${recordPath}. Run \`node test/support/provision-models.mjs\` first (npm test does).`,
    );
  }
  const record = JSON.parse(fs.readFileSync(recordPath, 'utf8')) as ProvisionRecord;
  return {
    modelsDir: record.modelsDir,
    embeddingModel: record.embedding.id,
    rerankModel: record.reranker?.id ?? null,
  };
}
