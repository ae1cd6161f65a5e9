import { benchCompletion, benchCompletionQuality } from './completion-bench';
import { benchEmbedders } from './embedders-bench';
import { benchEventLoop } from './event-loop-bench';
import { benchIndexing } from './index-bench';
import { benchIndexMemory } from './index-memory-bench';
import { benchLlmRerank } from './llm-rerank-bench';
import { benchLocalization } from './localization-bench';
import { benchPackage } from './package-bench';
import { benchOllama } from './ollama-bench';
import { trainRanker } from './localization/train-ranker';
import { benchRetrieval } from './retrieval-bench';
import { benchSharedIndex } from './shared-index-bench';
import { distillStatic } from './static-distill';
import { benchStaticPass } from './static-pass-bench';
import { benchVectorIndex } from './vector-index-bench';

/**
 * `npm run bench`: speed and memory figures as tables. Each benchmark compares ratios measured in
 * one run (these machines are noisy), never absolute thresholds in tests.
 */
const benches: Record<string, () => Promise<void>> = {
  index: benchIndexing,
  'index-memory': benchIndexMemory,
  'event-loop': benchEventLoop,
  retrieval: benchRetrieval,
  'static-pass': benchStaticPass,
  'vector-index': benchVectorIndex,
  completion: benchCompletion,
  'completion-quality': benchCompletionQuality,
  'train-ranker': trainRanker,
  'distill-static': distillStatic,
  localization: benchLocalization,
  embedders: benchEmbedders,
  'llm-rerank': benchLlmRerank,
  'shared-index': benchSharedIndex,
  package: benchPackage,
  ollama: benchOllama,
};

/**
 * Run only when named: train-ranker and distill-static are not measurements (they rewrite the shipped
 * ranker model and static embedding table), and
 * embedders needs candidate models that only an optional download and conversion put in place, and
 * llm-rerank makes 20 model calls per question on the real Ollama server (tens of minutes).
 */
const ONLY_WHEN_NAMED = new Set(['train-ranker', 'distill-static', 'embedders', 'llm-rerank']);

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const [name, run] of Object.entries(benches)) {
    if (wanted.length > 0 ? !wanted.includes(name) : ONLY_WHEN_NAMED.has(name)) continue;
    process.stdout.write(`\n## ${name}\n\n`);
    await run();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
