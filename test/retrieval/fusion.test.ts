import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunking/chunk';
import { reciprocalRankFusion } from '../../src/core/retrieval/fusion';
import type { ScoredChunk } from '../../src/core/store/chunk-store';

function chunk(id: string): Chunk {
  return { id, path: `src/${id}.ts`, language: 'typescript', startLine: 1, endLine: 10, contentHash: id, text: id };
}

/** A ranked list with made-up scores on the list's own scale (BM25 in the tens, cosine below 1). */
function list(ids: string[], top: number, step: number): ScoredChunk[] {
  return ids.map((id, i) => ({ chunk: chunk(id), score: top - i * step }));
}

describe('reciprocalRankFusion', () => {
  it('puts a chunk ranked well in both lists above one ranked first in only one', () => {
    const fused = reciprocalRankFusion(
      {
        bm25: list(['lexical', 'both', 'b3', 'b4'], 30, 5),
        dense: list(['semantic', 'both', 'd3'], 0.9, 0.1),
      },
      60,
    );

    expect(fused.map((c) => c.chunk.id)).toEqual(['both', 'lexical', 'semantic', 'b3', 'd3', 'b4']);
    const both = fused[0];
    expect(both.ranks).toEqual({ bm25: 2, dense: 2, fused: 1 });
    expect(both.scores.fused).toBeCloseTo(2 / 62, 12);
    expect(both.scores.bm25).toBe(25);
    expect(both.scores.dense).toBeCloseTo(0.8, 12);
    expect(fused[1].ranks).toEqual({ bm25: 1, fused: 2 });
    expect(fused[1].scores.fused).toBeCloseTo(1 / 61, 12);
    expect(fused[2].ranks).toEqual({ dense: 1, fused: 3 });
    expect(fused.every((c) => c.score === c.scores.fused)).toBe(true);
  });

  it('uses ranks only, so a list with larger scores does not dominate', () => {
    const fused = reciprocalRankFusion({
      bm25: list(['a', 'b'], 1000, 900),
      dense: list(['b', 'a'], 0.5, 0.4),
    });
    // Both appear at ranks 1 and 2: equal fused scores; the id breaks the tie, not list order.
    expect(fused[0].scores.fused).toBeCloseTo(fused[1].scores.fused!, 12);
    expect(fused.map((c) => c.chunk.id)).toEqual(['a', 'b']);
  });

  it('lets k decide how much the top ranks weigh', () => {
    // "top" is first in one list only; "steady" is fifth in both.
    const lists = {
      bm25: list(['top', 'x1', 'x2', 'x3', 'steady'], 10, 1),
      dense: list(['y1', 'y2', 'y3', 'y4', 'steady'], 0.9, 0.1),
    };
    // k = 1: 1/2 beats 2/6. k = 60: 1/61 loses to 2/65.
    expect(reciprocalRankFusion(lists, 1)[0].chunk.id).toBe('top');
    expect(reciprocalRankFusion(lists, 60)[0].chunk.id).toBe('steady');
  });
});
