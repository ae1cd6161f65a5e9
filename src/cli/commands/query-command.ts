import { type Command, Option } from '@commander-js/extra-typings';
import { OllamaClient } from '../../core/ollama';
import { type RankedFile, rankFiles } from '../../core/retrieval/arrange';
import { createLlmReranker } from '../../core/retrieval/llm-reranker';
import type { RetrievalResult, RetrievedChunk } from '../../core/retrieval/types';
import { type CliStreams, contextFor, print } from '../context';
import {
  RETRIEVAL_MODES,
  dbOption,
  dirArgument,
  jsonOption,
  kOption,
  modelsOption,
  nonBlank,
  ollamaOption,
  quietOption,
  sharedOption,
} from '../options';
import { incompleteLine, indexNote, openSearchSession } from './search-session';
import { DEFAULT_SEARCH_K } from '../../core/defaults';

/** Chunks the --files view ranks files from. */
const FILE_CANDIDATES = 50;

export function registerQueryCommand(program: Command, streams: CliStreams): void {
  program
    .command('query')
    .summary('search the index and print the best-matching chunks')
    .description('Search the index and print the best-matching chunks. The index is built first when there is none.')
    .argument('<text>', 'what to search for', nonBlank)
    .argument(...dirArgument)
    .addOption(dbOption())
    .addOption(sharedOption())
    .addOption(modelsOption())
    .addOption(kOption('how many chunks to print', DEFAULT_SEARCH_K))
    .addOption(
      new Option(
        '--mode <mode>',
        'retrieval mode (default: rerank when the re-rank model is installed, else hybrid)',
      ).choices(RETRIEVAL_MODES),
    )
    .option('--files', 'rank files by their best chunks instead of printing chunks')
    .option(
      '--llm-rerank <model>',
      're-rank the best 20 candidates with this Ollama model (one model call each; implies --mode rerank)',
    )
    .addOption(ollamaOption())
    .option('--trace', 'show every stage and candidate')
    .addOption(jsonOption())
    .addOption(quietOption())
    .action(async (query, dir, flags) => {
      const ctx = contextFor(streams, flags);
      // An Ollama model as the re-ranker: off unless asked for, as it costs a model call per candidate.
      const reranker = flags.llmRerank
        ? createLlmReranker({ client: new OllamaClient({ host: flags.ollama }), model: flags.llmRerank })
        : undefined;
      const asked = flags.mode ?? (reranker ? 'rerank' : undefined);
      // An asked-for re-ranking must happen; the default is the best mode the installed models allow.
      const need = asked === undefined ? 'optional' : asked === 'rerank' && !reranker ? 'required' : 'none';
      const session = await openSearchSession(
        ctx,
        { root: dir, db: flags.db, shared: flags.shared, models: flags.models, reranker },
        need,
      );
      try {
        const mode = asked ?? (session.canRerank ? 'rerank' : 'hybrid');
        if (flags.files === true) {
          // Files are ranked from every candidate, not only the k best chunks.
          const result = await session.retriever.retrieve(query, {
            mode,
            k: Math.max(flags.k, FILE_CANDIDATES),
            signal: ctx.signal,
          });
          const files = rankFiles(result.trace.candidates).slice(0, flags.k);
          const incomplete = incompleteLine(session);
          print(ctx, [incomplete, formatFiles(result, files)].filter(Boolean).join('\n'), {
            query,
            mode: result.trace.mode,
            files,
            index: indexNote(session),
          });
          return;
        }
        const result = await session.retriever.retrieve(query, { mode, k: flags.k, signal: ctx.signal });
        const trace = flags.trace === true;
        const incomplete = incompleteLine(session);
        print(ctx, [incomplete, formatResult(result, trace)].filter(Boolean).join('\n'), {
          ...(jsonResult(result, trace) as object),
          index: indexNote(session),
        });
      } finally {
        await session.close();
      }
    });
}
function location(candidate: RetrievedChunk): string {
  const { path, startLine, endLine } = candidate.chunk;
  return `${path}:${startLine}-${endLine}`;
}

function formatResult(result: RetrievalResult, withTrace: boolean): string {
  const { trace } = result;
  const count = result.chunks.length;
  const lines = [
    `${trace.mode}: ${count} result${count === 1 ? '' : 's'} for "${trace.query}" in ${trace.totalMs.toFixed(0)} ms`,
  ];
  if (result.chunks.length === 0) lines.push('  nothing matched');
  result.chunks.forEach((candidate, i) => {
    const symbol = candidate.chunk.symbol ? `  ${candidate.chunk.symbol}` : '';
    lines.push(
      `${String(i + 1).padStart(3)}. ${location(candidate)}${symbol}  score ${candidate.score.toFixed(3)}  ` +
        `(${ranks(candidate)})`,
    );
  });
  if (withTrace) lines.push('', ...formatTrace(result));
  return lines.join('\n');
}

function formatFiles(result: RetrievalResult, files: RankedFile[]): string {
  const { trace } = result;
  const lines = [
    `${trace.mode}: ${files.length} file${files.length === 1 ? '' : 's'} for "${trace.query}" in ` +
      `${trace.totalMs.toFixed(0)} ms`,
  ];
  if (files.length === 0) lines.push('  nothing matched');
  files.forEach((file, i) => {
    const best = `best ${file.startLine}-${file.endLine}${file.symbol ? ` ${file.symbol}` : ''}`;
    const kind = file.kind === 'source' ? '' : `  (${file.kind})`;
    lines.push(
      `${String(i + 1).padStart(3)}. ${file.path}  score ${file.score.toFixed(3)}  ${best}, ${file.chunks} ` +
        `chunk${file.chunks === 1 ? '' : 's'}${kind}`,
    );
  });
  return lines.join('\n');
}

function ranks(candidate: RetrievedChunk): string {
  const { bm25, dense, fused, rerank } = candidate.ranks;
  return [
    bm25 !== undefined ? `bm25 #${bm25}` : 'bm25 -',
    dense !== undefined ? `dense #${dense}` : 'dense -',
    fused !== undefined ? `fused #${fused}` : undefined,
    rerank !== undefined ? `rerank #${rerank}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

function formatTrace({ trace }: RetrievalResult): string[] {
  const stages = trace.stages.map(({ stage, ms }) => `${stage} ${ms.toFixed(1)} ms`).join(', ');
  const header = ['#', 'bm25', 'dense', 'fused', 'rerank', 'location'];
  const cell = (rank: number | undefined, score: number | undefined) =>
    rank === undefined ? '-' : score === undefined ? `#${rank}` : `#${rank} ${score.toFixed(3)}`;
  const rows = trace.candidates.map((c, i) => [
    String(i + 1),
    cell(c.ranks.bm25, c.scores.bm25),
    cell(c.ranks.dense, c.scores.dense),
    cell(c.ranks.fused, c.scores.fused),
    cell(c.ranks.rerank, c.scores.rerank),
    location(c),
  ]);
  const widths = header.map((_, col) => Math.max(...[header, ...rows].map((row) => row[col].length)));
  const line = (row: string[]) =>
    row.map((value, col) => (col === row.length - 1 ? value : value.padEnd(widths[col]))).join('  ');
  return [
    `stages: ${stages}; total ${trace.totalMs.toFixed(1)} ms (BM25 overlaps embedding and vector search)`,
    `candidates (${rows.length}):`,
    line(header),
    ...rows.map(line),
  ];
}

function jsonResult(result: RetrievalResult, withTrace: boolean): unknown {
  const entry = (c: RetrievedChunk) => ({
    path: c.chunk.path,
    startLine: c.chunk.startLine,
    endLine: c.chunk.endLine,
    symbol: c.chunk.symbol,
    score: c.score,
    ranks: c.ranks,
    scores: c.scores,
  });
  const { trace } = result;
  return {
    query: trace.query,
    mode: trace.mode,
    results: result.chunks.map((c) => ({ ...entry(c), text: c.chunk.text })),
    ...(withTrace
      ? { trace: { stages: trace.stages, totalMs: trace.totalMs, candidates: trace.candidates.map(entry) } }
      : {}),
  };
}
