import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHUNKER_VERSION, chunkFile } from '../../src/core/chunking';
import { languageForPath } from '../../src/core/languages/registry';
import { gatherContext } from '../../src/core/completion/context';
import { ContextCache } from '../../src/core/completion/context-cache';
import { viewAt } from '../../src/core/completion/cursor';
import { openKeywordIndex } from '../../src/core/completion/keyword-index';
import { packPrompt } from '../../src/core/completion/pack';
import { evaluateCompletionQuality } from '../../src/core/completion/quality';
import { heldOutCases } from '../../src/core/completion/quality-cases';
import { CompletionSession } from '../../src/core/completion/session';
import type { CompletionRequest } from '../../src/core/completion/types';
import { readTextFile, walkWorkspace } from '../../src/core/files';
import { createTokenCounter } from '../../src/core/embedding/token-counter';
import { OllamaClient } from '../../src/core/ollama';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { startOllamaStub } from '../support/ollama-stub';
import { benchCorpus } from './index-bench';
import { percentile } from '../../src/core/eval/metrics';
import { printTable } from './table';
import { DEFAULT_COMPLETION_MODEL, DEFAULT_EMBEDDING_MODEL } from '../../src/core/defaults';

/**
 * Inline completion: how long assembling the context takes on a large index, and how many
 * keystrokes of a realistic typing trace reach the model. `npm run bench -- completion`.
 */
export async function benchCompletion(): Promise<void> {
  const corpus = benchCorpus();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-completion-bench-'));
  try {
    const dbDir = path.join(work, 'index');
    // Django's translations left out, as in the index bench: about 10k chunks of code and docs.
    const built = await buildKeywordIndex(corpus.dir, dbDir, ['locale/']);
    const opened = await openKeywordIndex(dbDir);
    if (!opened.store) throw new Error(opened.unavailable);
    try {
      await benchContextAssembly(corpus.name, corpus.dir, built, opened.store);
      await benchTypingContext(corpus.name, corpus.dir, built, opened.store);
    } finally {
      opened.store.close();
    }
    await benchTypingTrace(corpus.dir);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * Completion quality on held-out code (`npm run bench -- completion-quality`). By default against the
 * stand-in server, which checks the mechanics only; for real numbers point it at Ollama with a
 * FIM model pulled:
 *
 *   REPOSAGE_QUALITY_OLLAMA=http://127.0.0.1:11434 REPOSAGE_COMPLETION_MODEL=qwen2.5-coder:1.5b-base \
 *   REPOSAGE_QUALITY_REPO=/path/to/repo REPOSAGE_QUALITY_CASES=100 npm run bench -- completion-quality
 *
 * The default repository (sqlparse from Debian's python3-sqlparse) was never used to tune completion.
 */
export async function benchCompletionQuality(): Promise<void> {
  const root = process.env.REPOSAGE_QUALITY_REPO ?? heldOutRepository();
  const limit = Number(process.env.REPOSAGE_QUALITY_CASES ?? 40);
  const host = process.env.REPOSAGE_QUALITY_OLLAMA;
  const model = process.env.REPOSAGE_COMPLETION_MODEL ?? DEFAULT_COMPLETION_MODEL;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-quality-bench-'));
  const stub = host ? undefined : await startOllamaStub();
  try {
    const dbDir = path.join(work, 'index');
    await buildKeywordIndex(root, dbDir);
    const opened = await openKeywordIndex(dbDir);
    if (!opened.store) throw new Error(opened.unavailable);
    try {
      const cases = await heldOutCases({ root, limit });
      const start = performance.now();
      const report = await evaluateCompletionQuality({
        cases,
        ollama: new OllamaClient({ host: host ?? stub?.url }),
        model,
        index: opened.store,
      });
      const seconds = (performance.now() - start) / 1000;
      const row = (context: string, scores: typeof report.withContext) => ({
        repository: path.basename(root),
        server: host ? `${host} (${model})` : 'stand-in (mechanics only)',
        context,
        cases: scores.cases,
        'exact match': scores.exactMatch,
        'edit similarity': scores.editSimilarity,
        'no suggestion': scores.empty,
        'context items': scores.contextItems,
      });
      printTable([row('with repository context', report.withContext), row('current file only', report.withoutContext)]);
      process.stdout.write(`${seconds.toFixed(1)} s for ${2 * cases.length} completions\n`);
    } finally {
      opened.store.close();
    }
  } finally {
    await stub?.close();
    await fs.rm(work, { recursive: true, force: true });
  }
}

function heldOutRepository(): string {
  const sqlparse = '/usr/lib/python3/dist-packages/sqlparse';
  if (existsSync(sqlparse)) return sqlparse;
  return path.resolve(__dirname, '..', '..', 'node_modules', 'ignore');
}

/**
 * An index for keyword search only: the real walker and chunker, but every vector the same
 * constant, because completion reads no vectors and embedding 20k chunks would take the
 * benchmark's time for nothing it measures.
 */
async function buildKeywordIndex(
  root: string,
  dbDir: string,
  exclude: string[] = [],
): Promise<{ files: number; chunks: number; seconds: number }> {
  const start = performance.now();
  const tokenCounter = await createTokenCounter({
    modelId: DEFAULT_EMBEDDING_MODEL,
    modelsDir: testModels().modelsDir,
  });
  const { store } = await ChunkStore.openForWrite(dbDir, {
    embeddingModel: 'none (keyword-only benchmark index)',
    dimension: 4,
    chunkerVersion: CHUNKER_VERSION,
  });
  const vector = Float32Array.from([0.5, 0.5, 0.5, 0.5]);
  const walk = await walkWorkspace(root, { exclude });
  let chunks = 0;
  try {
    for (let i = 0; i < walk.files.length; i += 200) {
      const rows = [];
      const batch = [];
      for (const file of walk.files.slice(i, i + 200)) {
        const read = await readTextFile(file.absolutePath);
        if (!('text' in read)) continue;
        const fileChunks = await chunkFile({ path: file.path, text: read.text }, { tokenCounter });
        rows.push({
          path: file.path,
          size: file.size,
          mtime_ms: file.mtimeMs,
          content_hash: '',
          chunk_count: fileChunks.length,
          language: languageForPath(file.path) ?? 'plaintext',
        });
        batch.push(...fileChunks.map((chunk) => ({ chunk, vector })));
      }
      await store.replaceFiles(rows, batch);
      chunks += batch.length;
    }
    await store.finishWrite();
  } finally {
    store.close();
  }
  return { files: walk.files.length, chunks, seconds: (performance.now() - start) / 1000 };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run measures the same positions. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cursor positions inside code lines of the corpus's source files in one language, spread over files. */
export async function cursorPositions(root: string, count: number, language = 'python'): Promise<CompletionRequest[]> {
  const walk = await walkWorkspace(root, { exclude: ['locale/'] });
  const sources = walk.files.filter((file) => languageForPath(file.path) === language);
  const next = random(42);
  const requests: CompletionRequest[] = [];
  while (requests.length < count) {
    const file = sources[Math.floor(next() * sources.length)];
    const read = await readTextFile(file.absolutePath);
    if (!('text' in read)) continue;
    const lines = read.text.split('\n');
    const row = Math.floor(next() * lines.length);
    if (lines[row].trim().length < 8) continue;
    const offset =
      lines.slice(0, row).reduce((sum, line) => sum + line.length + 1, 0) +
      Math.floor(lines[row].length * (0.3 + 0.7 * next()));
    requests.push({ path: file.path, text: read.text, offset });
  }
  return requests;
}

async function benchContextAssembly(
  corpus: string,
  root: string,
  built: { files: number; chunks: number; seconds: number },
  index: ChunkStore,
): Promise<void> {
  const requests = await cursorPositions(root, 300);
  const times: number[] = [];
  const items: number[] = [];
  const lines: number[] = [];
  for (const [i, request] of requests.entries()) {
    const start = performance.now();
    const view = viewAt(request.text, request.offset);
    const language = languageForPath(request.path);
    const candidates = await gatherContext(
      { path: request.path, language, text: request.text, view },
      { index, recentEdits: [] },
    );
    const packed = packPrompt({ path: request.path, language, view, candidates, maxPromptTokens: 2048 });
    // The first few warm up LanceDB's caches and the grammar; an editor pays that once.
    if (i < 10) continue;
    times.push(performance.now() - start);
    items.push(packed.context.length);
    lines.push(request.text.split('\n').length);
  }
  const big = times.filter((_, i) => lines[i] >= 1000);
  printTable([
    {
      corpus,
      files: built.files,
      chunks: built.chunks,
      positions: times.length,
      'p50 ms': percentile(times, 50),
      'p95 ms': percentile(times, 95),
      'max ms': Math.max(...times),
      'p95 ms, files >= 1000 lines': big.length ? percentile(big, 95) : '-',
      'context items (mean)': items.reduce((a, b) => a + b, 0) / items.length,
    },
  ]);
  process.stdout.write(
    'goal: context assembly p95 <= 15 ms (tree-sitter parse + two BM25 searches + packing; no re-ranker)\n\n',
  );
}

/** Keystrokes typed at each position: about a word and a half. */
const TYPED_KEYS = 8;

/**
 * Context assembly per keystroke while typing, as a completion session does it (with its context
 * cache): at each of 100 positions up to 8 characters of the real code are typed one by one,
 * and the context is assembled for every keystroke (the worst case: no debounce).
 */
async function benchTypingContext(
  corpus: string,
  root: string,
  built: { files: number; chunks: number },
  index: ChunkStore,
): Promise<void> {
  const cache = new ContextCache();
  const first: number[] = [];
  const later: number[] = [];
  for (const [i, request] of (await cursorPositions(root, 110)).entries()) {
    const lineEnd = request.text.indexOf('\n', request.offset);
    const end = Math.min(request.offset + TYPED_KEYS, lineEnd === -1 ? request.text.length : lineEnd);
    for (let offset = request.offset; offset <= end; offset++) {
      const text = request.text.slice(0, offset) + request.text.slice(end);
      const start = performance.now();
      const view = viewAt(text, offset);
      const language = languageForPath(request.path);
      const candidates = await gatherContext(
        { path: request.path, language, text, view },
        { index, recentEdits: [], cache },
      );
      packPrompt({ path: request.path, language, view, candidates, maxPromptTokens: 2048 });
      // The first positions warm up LanceDB's caches and the grammar, as in the row above.
      if (i < 10) continue;
      (offset === request.offset ? first : later).push(performance.now() - start);
    }
  }
  const all = [...first, ...later];
  printTable([
    {
      corpus,
      files: built.files,
      chunks: built.chunks,
      keystrokes: all.length,
      'p50 ms': percentile(all, 50),
      'p95 ms': percentile(all, 95),
      'first in region p95 ms': percentile(first, 95),
      'later keystrokes p95 ms': percentile(later, 95),
    },
  ]);
  process.stdout.write(
    'goal: context assembly p95 <= 15 ms per keystroke while typing (a first keystroke, up to 8 more per position)\n\n',
  );
}

/**
 * Types a stretch of real code with human timing, against the stand-in server: keys in bursts
 * 80-150 ms apart, pauses of 300-1500 ms between bursts. The stand-in model streams a token every
 * 30 ms and is either right half the time (it answers the true rest of the line, so the user types
 * on into its suggestion) or never right. Each trace runs with the default debounce and without one.
 */
async function benchTypingTrace(root: string): Promise<void> {
  const file = existsSync(path.join(root, 'core', 'paginator.py')) ? 'core/paginator.py' : 'lib.es5.d.ts';
  const source = await fs.readFile(path.join(root, file), 'utf8');
  const from = source.indexOf('\n', Math.floor(source.length / 3)) + 1;
  const trace = { file, source, from, gaps: typingGaps(120) };
  const rows = [];
  for (const model of ['right half the time', 'never right'] as const) {
    for (const debounceMs of [250, 0]) rows.push(await typeTrace(trace, model, debounceMs));
  }
  printTable(rows);
  process.stdout.write('the 0 ms rows are the same traces without debounce, for comparison\n');
}

/** Milliseconds before each keystroke: bursts of 3-12 keys 80-150 ms apart, 300-1500 ms pauses between. */
function typingGaps(keystrokes: number): number[] {
  const next = random(7);
  const gaps: number[] = [];
  while (gaps.length < keystrokes) {
    const burst = 3 + Math.floor(next() * 10);
    for (let k = 0; k < burst && gaps.length < keystrokes; k++)
      gaps.push(k === 0 ? 300 + next() * 1200 : 80 + next() * 70);
  }
  return gaps;
}

async function typeTrace(
  trace: { file: string; source: string; from: number; gaps: number[] },
  model: 'right half the time' | 'never right',
  debounceMs: number,
): Promise<Record<string, string | number>> {
  const { file, source, from, gaps } = trace;
  const typedEnd = from + gaps.length;
  let position = from;
  let answers = 0;
  const stub = await startOllamaStub({
    chunkDelayMs: 30,
    respond: () => {
      const lineEnd = source.indexOf('\n', position);
      const right = model === 'right half the time' && answers++ % 2 === 0;
      return right ? source.slice(position, lineEnd === -1 ? undefined : lineEnd) : 'pass';
    },
  });
  const session = new CompletionSession({
    ollama: new OllamaClient({ host: stub.url }),
    model: DEFAULT_COMPLETION_MODEL,
    debounceMs,
  });
  const pending: Promise<unknown>[] = [];
  const start = performance.now();
  try {
    for (const gap of gaps) {
      await new Promise((resolve) => setTimeout(resolve, gap));
      position++;
      const text = source.slice(0, position) + source.slice(typedEnd);
      pending.push(session.complete({ path: file, text, offset: position }));
    }
    await Promise.all(pending);
  } finally {
    session.dispose();
    await stub.close();
  }
  const { requests, modelCalls, cacheHits, cancelled } = session.counters;
  return {
    model,
    debounce: `${debounceMs} ms`,
    keystrokes: requests,
    'model calls': modelCalls,
    'reach the model': `${((100 * modelCalls) / requests).toFixed(1)}%`,
    'cache hits': cacheHits,
    'cancelled in flight': cancelled,
    'trace s': (performance.now() - start) / 1000,
  };
}
