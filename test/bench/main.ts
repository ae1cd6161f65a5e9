import { benchCompletion, benchCompletionQuality } from './completion-bench';
import { benchEventLoop } from './event-loop-bench';
import { benchIndexing } from './index-bench';
import { benchLocalization } from './localization-bench';
import { benchPackage } from './package-bench';
import { benchOllama } from './ollama-bench';
import { trainRanker } from './localization/train-ranker';
import { benchRetrieval } from './retrieval-bench';
import { benchSharedIndex } from './shared-index-bench';
import { benchVectorIndex } from './vector-index-bench';

/**
 * `npm run bench`: speed and memory figures as tables. Each benchmark compares ratios measured in
 * one run (these machines are noisy), never absolute thresholds in tests.
 */
const benches: Record<string, () => Promise<void>> = {
  index: benchIndexing,
  'event-loop': benchEventLoop,
  retrieval: benchRetrieval,
  'vector-index': benchVectorIndex,
  completion: benchCompletion,
  'completion-quality': benchCompletionQuality,
  'train-ranker': trainRanker,
  localization: benchLocalization,
  'shared-index': benchSharedIndex,
  package: benchPackage,
  ollama: benchOllama,
};

/** Not a measurement: runs only when named (it rewrites the shipped ranker model). */
const ONLY_WHEN_NAMED = new Set(['train-ranker']);

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
