import { promises as fs } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { askQuestion } from '../../src/core/chat/ask';
import type { AskResult } from '../../src/core/chat/types';
import { CompletionSession } from '../../src/core/completion/session';
import { openKeywordIndex } from '../../src/core/completion/keyword-index';
import { percentile } from '../../src/core/eval/metrics';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { DEFAULT_COMPLETION_DEBOUNCE_MS, DEFAULT_KEEP_ALIVE } from '../../src/core/defaults';
import { type ChatRequest, type GenerateRequest, type GenerationStats, OllamaClient } from '../../src/core/ollama';
import { chatBody, generateBody } from '../../src/core/ollama/client';
import type { TextStream } from '../../src/core/ollama/text-stream';
import { createRetriever } from '../../src/core/retrieval/retriever';
import { repoRoot } from '../support/build-dist';
import { testModels } from '../support/models';
import { SMALL_MODEL, startRealOllama } from '../support/real-ollama';
import { cursorPositions } from './completion-bench';
import { printTable } from './table';

/**
 * Answers and suggestions from the real Ollama server (built from source, CPU) with the small real
 * model (Gemma 3 270M), on an index of this repository's own source: `npm run bench -- ollama`.
 * Time to first token and generation speed for `ask` with 3, 5 and 8 sources, completion latency,
 * and what RepoSage adds per request on top of the server's own figures (Ollama reports
 * total_duration per request), next to a bare HTTP call with the same body, in the same run.
 */
/** One question for every row, so only the number of sources changes. */
const QUESTION = 'How are citations checked against the files on disk?';
const SOURCE_COUNTS = [3, 5, 8];
/** Room for 8 sources and the answer. */
const WINDOW = 4096;
/**
 * The small model writes until it is stopped: the answer is capped as a user on a CPU would cap it
 * (`--max-answer-tokens`), enough tokens for a steady tokens/s, so each row finishes in a minute on busy cores.
 */
const ANSWER_TOKENS = 256;
const COMPLETIONS = 20;
/** The goal for what RepoSage adds to one request, on top of the server's own time and a bare HTTP call's. */
const OVERHEAD_GOAL_MS = 50;

export async function benchOllama(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-ollama-bench-'));
  const server = await startRealOllama({ models: [SMALL_MODEL] });
  try {
    const root = path.join(work, 'repo');
    await fs.cp(path.join(repoRoot, 'src'), path.join(root, 'src'), { recursive: true });
    const dbDir = path.join(work, 'index');
    const indexer = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    try {
      await syncIndex({ root, dbDir }, indexer);
      const opened = await openKeywordIndex(dbDir);
      if (!opened.store) throw new Error(opened.unavailable);
      try {
        const client = new RecordingClient({ host: server.url });
        process.stdout.write(
          `real Ollama ${await client.version()} (CPU, ${os.cpus().length} cores, load average ${os
            .loadavg()
            .map((load) => load.toFixed(1))
            .join(' ')}), model ${SMALL_MODEL}; index: this repository's src/\n\n`,
        );
        const retriever = createRetriever({ store: opened.store, embedder: indexer.embedder });
        const asks = await benchAsk(client, server.url, { retriever, root });
        const completions = await benchCompletions(client, server.url, root, opened.store);
        overheadTable([...asks, ...completions]);
      } finally {
        opened.store.close();
      }
    } finally {
      await indexer.embedder.dispose();
    }
  } finally {
    await server.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * The client RepoSage uses, keeping the last streamed request and its stream so the bench can read the server's
 * figures.
 */
class RecordingClient extends OllamaClient {
  lastChat?: { request: ChatRequest; stream: TextStream };
  lastGenerate?: { request: GenerateRequest; stream: TextStream };

  override chatStream(request: ChatRequest): TextStream {
    const stream = super.chatStream(request);
    this.lastChat = { request, stream };
    return stream;
  }

  override generateStream(request: GenerateRequest): TextStream {
    const stream = super.generateStream(request);
    this.lastGenerate = { request, stream };
    return stream;
  }
}

/** Requests' wall times beside the server's own totals for them. */
interface Overhead {
  what: string;
  /** Milliseconds beyond the server's total_duration: RepoSage's own, for each request. */
  repoSage: number[];
  /** The same for a bare fetch of the same body (index for index): HTTP and JSON lines, which any client pays. */
  bare: number[];
}

async function benchAsk(
  client: RecordingClient,
  url: string,
  deps: { retriever: ReturnType<typeof createRetriever>; root: string },
): Promise<Overhead[]> {
  const rows: Array<Record<string, string | number>> = [];
  const overheads: Overhead[] = [];
  for (const k of SOURCE_COUNTS) {
    // A fresh load empties Ollama's prompt cache, so each row reads its whole prompt, as a first question does.
    await unload(url);
    await client.loadModel({ model: SMALL_MODEL, options: { num_ctx: WINDOW }, keepAlive: DEFAULT_KEEP_ALIVE });
    let result: AskResult | undefined;
    let sourcesShownAt = 0;
    for await (const event of askQuestion(
      { question: QUESTION },
      { ...deps, ollama: client, model: SMALL_MODEL, k, maxContextTokens: WINDOW, maxAnswerTokens: ANSWER_TOKENS },
    )) {
      if (event.type === 'retrieval') sourcesShownAt = performance.now();
      if (event.type === 'final') result = event;
    }
    const endedAt = performance.now();
    const answer = client.lastChat;
    const stats = answer?.stream.completion?.stats;
    if (!result || !answer || !stats || result.timings.first_token_ms === undefined)
      throw new Error(`The ${k}-source answer did not finish.`);
    const bare = await bareCall(url, '/api/chat', chatBody(answer.request));
    overheads.push({
      what: `ask, ${result.sources.length} sources (prompt, stream, citation check)`,
      repoSage: [endedAt - sourcesShownAt - stats.totalMs],
      bare: [bare.wallMs - bare.stats.totalMs],
    });
    rows.push({
      'k asked': k,
      'sources shown': result.sources.length,
      'prompt tokens': stats.promptTokens,
      'retrieval ms': result.timings.retrieval_ms,
      'first token ms': result.timings.first_token_ms,
      'server prompt ms': stats.promptMs,
      'prompt tokens/s': perSecond(stats.promptTokens, stats.promptMs),
      'answer tokens': stats.answerTokens,
      'tokens/s': perSecond(stats.answerTokens, stats.answerMs),
      'total s': result.timings.total_ms / 1000,
      verified: `${result.sources.filter((source) => source.verified).length}/${result.sources.length}`,
      cited: result.citations.length,
    });
  }
  process.stdout.write(
    `ask (window ${WINDOW} tokens, answers capped at ${ANSWER_TOKENS}; model loaded, prompt cache empty)\n\n`,
  );
  printTable(rows);
  process.stdout.write('\n');
  return overheads;
}

async function benchCompletions(
  client: RecordingClient,
  url: string,
  root: string,
  index: NonNullable<Awaited<ReturnType<typeof openKeywordIndex>>['store']>,
): Promise<Overhead[]> {
  const requests = await cursorPositions(root, COMPLETIONS, 'typescript');
  const latencies: number[] = [];
  const modelMs: number[] = [];
  const contextMs: number[] = [];
  const repoSage: number[] = [];
  const bare: number[] = [];
  let fim = false;
  let suggested = 0;
  // One session, as in an editor: the model is looked up once; each position is new, so nothing comes from the
  // cache. It waits the editor's pause in typing, as an editor's requests do: the context is gathered meanwhile.
  const debounceMs = DEFAULT_COMPLETION_DEBOUNCE_MS;
  const session = new CompletionSession({ ollama: client, model: SMALL_MODEL, index, debounceMs });
  try {
    for (const [i, request] of requests.entries()) {
      const started = performance.now();
      const result = await session.complete(request);
      const wallMs = performance.now() - started - debounceMs;
      const stats = client.lastGenerate?.stream.completion?.stats;
      if (!result || result.cached) throw new Error('A completion was not asked of the model.');
      fim = result.fim;
      if (result.completion.trim() !== '') suggested++;
      // The first request warms up the grammar, the index and the model: an editor pays that once.
      if (i === 0) continue;
      latencies.push(wallMs);
      modelMs.push(result.timings.modelMs);
      contextMs.push(result.timings.contextMs);
      // A request the session stopped reading early has no final figures from the server.
      if (stats && client.lastGenerate) {
        repoSage.push(wallMs - stats.totalMs);
        // After the same pause: the server's threads go on working for a moment after an answer, and would
        // slow whatever runs next on these two cores.
        await sleep(debounceMs);
        const call = await bareCall(url, '/api/generate', generateBody(client.lastGenerate.request));
        bare.push(call.wallMs - call.stats.totalMs);
      }
    }
  } finally {
    session.dispose();
  }
  process.stdout.write(
    `complete (${fim ? 'fill-in-the-middle' : 'prefix only: the model cannot fill in the middle'}; ` +
      `${COMPLETIONS} positions in src/, the first (warm-up) left out; latency from the end of the ` +
      `${debounceMs} ms pause in typing)\n\n`,
  );
  printTable([
    {
      requests: latencies.length,
      'with a suggestion': suggested,
      'p50 ms': percentile(latencies, 50),
      'p95 ms': percentile(latencies, 95),
      'model p50 ms': percentile(modelMs, 50),
      'model p95 ms': percentile(modelMs, 95),
      'context p50 ms (in the pause)': percentile(contextMs, 50),
      'context p95 ms': percentile(contextMs, 95),
    },
  ]);
  process.stdout.write('\n');
  return [{ what: 'complete (context, prompt, stream)', repoSage, bare }];
}

function overheadTable(overheads: Overhead[]): void {
  process.stdout.write("time beyond the server's own total_duration, per request\n\n");
  printTable(
    overheads.map(({ what, repoSage, bare }) => {
      // Each request against the bare fetch of its own body.
      const added = repoSage.map((ms, i) => ms - bare[i]);
      const p95 = percentile(added, 95);
      return {
        request: what,
        n: repoSage.length,
        'RepoSage p50 ms': percentile(repoSage, 50),
        'RepoSage p95 ms': percentile(repoSage, 95),
        'bare fetch p50 ms': percentile(bare, 50),
        'added p50 ms': percentile(added, 50),
        'added p95 ms': p95,
        [`goal p95 <= ${OVERHEAD_GOAL_MS} ms`]: p95 <= OVERHEAD_GOAL_MS ? 'met' : 'MISSED',
      };
    }),
  );
  process.stdout.write(`goal: RepoSage adds <= ${OVERHEAD_GOAL_MS} ms per request to the server's own time\n`);
}

/** Frees the model, and with it Ollama's prompt cache. */
async function unload(url: string): Promise<void> {
  await fetch(`${url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: SMALL_MODEL, keep_alive: 0 }) });
}

/** The same request with fetch alone: its body streamed, each line parsed, the last one's figures kept. */
async function bareCall(url: string, api: string, body: object): Promise<{ wallMs: number; stats: GenerationStats }> {
  const started = performance.now();
  const response = await fetch(`${url}${api}`, { method: 'POST', body: JSON.stringify({ ...body, stream: true }) });
  if (!response.ok || !response.body) throw new Error(`${api} answered HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let pending = '';
  let last: Record<string, number> = {};
  for await (const bytes of response.body) {
    pending += decoder.decode(bytes, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) last = JSON.parse(line);
  }
  const wallMs = performance.now() - started;
  const ms = (ns: number | undefined) => (ns ?? 0) / 1e6;
  return {
    wallMs,
    stats: {
      totalMs: ms(last.total_duration),
      loadMs: ms(last.load_duration),
      promptTokens: last.prompt_eval_count ?? 0,
      promptMs: ms(last.prompt_eval_duration),
      answerTokens: last.eval_count ?? 0,
      answerMs: ms(last.eval_duration),
    },
  };
}

function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}
