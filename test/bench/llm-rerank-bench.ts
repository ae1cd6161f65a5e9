import { promises as fs } from 'node:fs';
import { DEFAULT_RERANK_CANDIDATES } from '../../src/core/defaults';
import { filesInOrder, firstHitRank } from '../../src/core/eval/file-ranks';
import type { HistoryQuestion } from '../../src/core/eval/from-history';
import { percentile } from '../../src/core/eval/metrics';
import type { Reranker } from '../../src/core/embedding/types';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { OllamaClient } from '../../src/core/ollama';
import { createLearnedRanker } from '../../src/core/ranking/learned-ranker';
import { withLearnedRanker } from '../../src/core/ranking/ranked-retriever';
import { createLlmReranker } from '../../src/core/retrieval/llm-reranker';
import { createRetriever, rerank } from '../../src/core/retrieval/retriever';
import type { RetrievalResult } from '../../src/core/retrieval/types';
import { testModels } from '../support/models';
import { SMALL_MODEL, startRealOllama } from '../support/real-ollama';
import { forEachRepo } from './localization/corpus';
import { RANKER_MODEL_FILE } from './localization/train-ranker';
import { CHUNKS, type Outcome, row } from './localization-bench';
import { printTable } from './table';

/** Questions per repository: a small subset, since every question costs 20 model calls. */
const PER_REPO = Number(process.env.REPOSAGE_LLM_RERANK_PER_REPO ?? 7);
const DEFAULT_REPOS = ['spf13/cobra', 'gin-gonic/gin', 'pallets/click'];

interface Variant {
  outcomes: Outcome[];
  ms: number[];
  rerankMs: number[];
}

/**
 * `npm run bench -- llm-rerank`: the LLM re-ranker (`reposage query --llm-rerank <model>`) on the real Ollama
 * server with the real small model (Gemma 3 270M), on the first questions of the localization bench's
 * repositories. Rows: plain hybrid and the default (hybrid with the learned ranker), each with and without the
 * model re-ranking its best 20; `--llm-rerank` is the first pair's re-ranked row (rerank mode fuses as hybrid
 * does, then asks the model). Runs only when named: it needs the real server and takes minutes per question set.
 */
export async function benchLlmRerank(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  process.env.REPOSAGE_LOCALIZATION_REPOS ??= DEFAULT_REPOS.join(',');
  const server = await startRealOllama({ models: [SMALL_MODEL] });
  const indexer = await loadIndexerModels({ modelsDir: testModels().modelsDir });
  const ranker = createLearnedRanker(JSON.parse(await fs.readFile(RANKER_MODEL_FILE, 'utf8')));
  const llm = createLlmReranker({ client: new OllamaClient({ host: server.url }), model: SMALL_MODEL });
  const variants: Record<string, Variant> = {};
  const add = (name: string, question: HistoryQuestion, result: RetrievalResult, ms: number, rerankMs?: number) => {
    variants[name] ??= { outcomes: [], ms: [], rerankMs: [] };
    const variant = variants[name];
    variant.outcomes.push({
      fileRank: firstHitRank(filesInOrder(result.chunks.map((c) => c.chunk)), question.expected),
    });
    variant.ms.push(ms);
    if (rerankMs !== undefined) variant.rerankMs.push(rerankMs);
  };
  try {
    await forEachRepo('bench', indexer, log, async ({ repo, store, questions }) => {
      const scores = new Map<string, number>();
      const cached = remembering(llm, scores);
      const plain = createRetriever({ store, embedder: indexer.embedder, reranker: cached });
      const byDefault = withLearnedRanker(plain, ranker);
      for (const question of questions.slice(0, PER_REPO)) {
        for (const [name, retriever] of [
          ['hybrid', plain],
          ['default (hybrid + ranker)', byDefault],
        ] as const) {
          const start = performance.now();
          const result = await retriever.retrieve(question.question, { mode: 'hybrid', k: CHUNKS });
          add(name, question, result, performance.now() - start);
        }
        // What `reposage query --llm-rerank` runs: rerank mode, every model call made here (nothing cached yet).
        const start = performance.now();
        const reranked = await plain.retrieve(question.question, { mode: 'rerank', k: CHUNKS });
        const llmMs = reranked.trace.stages.find((stage) => stage.stage === 'rerank')?.ms;
        add(
          `--llm-rerank (hybrid, top ${DEFAULT_RERANK_CANDIDATES} by ${SMALL_MODEL})`,
          question,
          reranked,
          performance.now() - start,
          llmMs,
        );
        // The same model over the default's best candidates, mostly from the scores just made (no latency figure).
        const ranked = await byDefault.retrieve(question.question, { mode: 'hybrid', k: CHUNKS });
        const head = ranked.trace.candidates.map((candidate) => ({ ...candidate, scores: { ...candidate.scores } }));
        const candidates = await rerank(cached, question.question, head, DEFAULT_RERANK_CANDIDATES, undefined);
        add(
          `default + top ${DEFAULT_RERANK_CANDIDATES} by ${SMALL_MODEL}`,
          question,
          { chunks: candidates.slice(0, CHUNKS), trace: { ...ranked.trace, candidates } },
          Number.NaN,
        );
        log(`${repo.repo}: ${question.id} done`);
      }
      // So far, in case a long run is stopped: every question costs about 30 model calls.
      printVariants(variants);
    });
  } finally {
    await indexer.embedder.dispose();
    await server.stop();
  }
  log(
    `\nLLM re-ranker (${SMALL_MODEL} on the real server) over ${process.env.REPOSAGE_LOCALIZATION_REPOS}, first ` +
      `${PER_REPO} questions each; file level from the top ${CHUNKS} chunks\n`,
  );
  printVariants(variants);
}

/** Line hits are not recorded here: file ranks are what the re-ranker is meant to move. */
function printVariants(variants: Record<string, Variant>): void {
  printTable(
    Object.entries(variants).map(([name, variant]) => {
      const { 'lines hit@5': _, ...scores } = row('subset', name, variant.outcomes);
      return {
        ...scores,
        'p50 ms': variant.ms.some(Number.isNaN) ? '-' : percentile(variant.ms, 50),
        'p95 ms': variant.ms.some(Number.isNaN) ? '-' : percentile(variant.ms, 95),
        'LLM ms per query': variant.rerankMs.length > 0 ? percentile(variant.rerankMs, 50) : '-',
      };
    }),
  );
}

/** Remembers each passage's score for a question, so a second ordering of the same passages costs no calls. */
function remembering(llm: Reranker, scores: Map<string, number>): Reranker {
  return {
    ...llm,
    async score(query, passages, signal) {
      const missing = passages.filter((passage) => !scores.has(`${query}\u0000${passage}`));
      const fresh = await llm.score(query, missing, signal);
      for (const [i, passage] of missing.entries()) scores.set(`${query}\u0000${passage}`, fresh[i]);
      return passages.map((passage) => scores.get(`${query}\u0000${passage}`)!);
    },
  };
}
