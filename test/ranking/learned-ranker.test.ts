import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunking/chunk';
import { FEATURE_NAMES, candidateFeatures } from '../../src/core/ranking/features';
import { createLearnedRanker } from '../../src/core/ranking/learned-ranker';
import { withLearnedRanker } from '../../src/core/ranking/ranked-retriever';
import type { RetrievalMode, RetrievedChunk, Retriever } from '../../src/core/retrieval/types';
import { fitListwise } from '../bench/localization/train-ranker';

function candidate(path: string, symbol: string, fusedRank: number, extra: Partial<Chunk> = {}): RetrievedChunk {
  const chunk: Chunk = {
    id: `${path}#${symbol}`,
    path,
    language: 'python',
    startLine: 1,
    endLine: 10,
    symbol,
    kind: 'function',
    contentHash: '',
    text: '',
    ...extra,
  };
  return {
    chunk,
    score: 1 / fusedRank,
    ranks: { fused: fusedRank, bm25: fusedRank },
    scores: { fused: 1 / fusedRank, bm25: 10 / fusedRank },
  };
}

const feature = (vector: number[], name: (typeof FEATURE_NAMES)[number]) => vector[FEATURE_NAMES.indexOf(name)];

describe('ranker features', () => {
  it('sees exact symbol names, file names, tests and docs in the question', () => {
    const [parse, readme, test] = candidateFeatures('parseaddr drops the display name (utils.py)', [
      candidate('src/mail/utils.py', 'Mailbox.parseaddr', 1),
      candidate('docs/README.md', 'Usage', 2, { language: 'markdown', kind: 'section' }),
      candidate('tests/test_utils.py', 'test_parse', 3),
    ]);
    expect(feature(parse, 'symbol_named')).toBe(1);
    expect(feature(parse, 'file_stem_named')).toBe(1);
    expect(feature(parse, 'bm25_score_rel')).toBe(1);
    expect(feature(readme, 'is_doc')).toBe(1);
    expect(feature(readme, 'symbol_named')).toBe(0);
    expect(feature(test, 'is_test')).toBe(1);
    expect(feature(test, 'is_code')).toBe(1);
    // The retriever's own order (after the file-kind weights) is a feature too.
    expect([parse, readme, test].map((vector) => feature(vector, 'arranged_rr'))).toEqual([1, 1 / 2, 1 / 3]);
  });
});

/** In every question the answer is the candidate whose symbol the question names, whatever its fused rank. */
function namedSymbolGroups() {
  return Array.from({ length: 30 }, (_, q) => {
    const named = q % 5;
    const candidates = Array.from({ length: 5 }, (_, i) =>
      candidate(`src/m${i}.py`, i === named ? `handler${q}` : `other${i}`, i + 1),
    );
    return {
      features: candidateFeatures(`crash in handler${q} on empty input`, candidates),
      labels: candidates.map((_, i) => (i === named ? 1 : 0)),
    };
  });
}

describe('learned ranker', () => {
  it('learns from data which feature marks the answer, and re-orders by it', () => {
    const model = fitListwise(namedSymbolGroups(), 200);
    expect(model.weights[FEATURE_NAMES.indexOf('symbol_named')]).toBeGreaterThan(0);
    const ranker = createLearnedRanker(model);
    const reordered = ranker.rerank('crash in handler99 on empty input', [
      candidate('src/a.py', 'first', 1),
      candidate('src/b.py', 'second', 2),
      candidate('src/c.py', 'handler99', 3),
    ]);
    expect(reordered[0].chunk.symbol).toBe('handler99');
    expect(reordered.map((c) => c.chunk.path).sort()).toEqual(['src/a.py', 'src/b.py', 'src/c.py']);
  });

  it('refuses a model written for other features', () => {
    expect(() => createLearnedRanker({ features: ['bm25_rr'], mean: [0], scale: [1], weights: [1], bias: 0 })).toThrow(
      /not this version/,
    );
  });

  it('re-orders hybrid results only, from all fused candidates, keeping k', async () => {
    const candidates = [
      candidate('tests/test_config.py', 'test_empty', 1),
      candidate('docs/config.md', 'Usage', 2, { language: 'markdown', kind: 'section' }),
      candidate('src/config.py', 'load_config', 3),
    ];
    const wholeUnits = async () => [];
    const inner: Retriever = {
      wholeUnits,
      retrieve: async (query, options = {}) => {
        const mode: RetrievalMode = options.mode ?? 'hybrid';
        return {
          chunks: candidates.slice(0, options.k ?? 5),
          trace: { query, mode, stages: [], candidates, totalMs: 1 },
        };
      },
    };
    const ranked = withLearnedRanker(inner, createLearnedRanker(fitListwise(namedSymbolGroups(), 200)));
    const hybrid = await ranked.retrieve('TypeError in load_config when the config file is empty', { k: 2 });
    expect(hybrid.chunks.map((c) => c.chunk.path)[0]).toBe('src/config.py');
    expect(hybrid.chunks).toHaveLength(2);
    const bm25 = await ranked.retrieve('TypeError in load_config when the config file is empty', {
      mode: 'bm25',
      k: 2,
    });
    expect(bm25.chunks.map((c) => c.chunk.path)).toEqual(['tests/test_config.py', 'docs/config.md']);
    // Small-to-big still works through the wrapper.
    expect(ranked.wholeUnits).toBe(wholeUnits);
  });

  it('keeps at most two pieces of one declaration ahead of the rest after re-ordering', async () => {
    const pieces = [1, 2, 3].map((i) =>
      candidate('src/config.py', 'load_config', i + 1, { id: `piece${i}`, startLine: i * 20, endLine: i * 20 + 5 }),
    );
    const candidates = [candidate('src/other.py', 'other', 1), ...pieces];
    const inner: Retriever = {
      retrieve: async (query) => ({
        chunks: candidates.slice(0, 3),
        trace: { query, mode: 'hybrid', stages: [], candidates, totalMs: 1 },
      }),
    };
    const ranked = withLearnedRanker(inner, createLearnedRanker(fitListwise(namedSymbolGroups(), 200)));
    const { chunks } = await ranked.retrieve('crash in load_config', { k: 3 });
    expect(chunks.map((c) => c.chunk.id)).toEqual(['piece1', 'piece2', 'src/other.py#other']);
  });
});
