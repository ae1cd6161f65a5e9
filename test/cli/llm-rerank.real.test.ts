import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_RERANK_CANDIDATES } from '../../src/core/defaults';
import { indexFixture, type IndexedFixture } from '../support/indexed-fixture';
import { SMALL_MODEL } from '../support/real-ollama';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy';
import { runCli } from '../support/run-cli';

interface Ranked {
  path: string;
  score: number;
  ranks: { fused?: number; rerank?: number };
  scores: { rerank?: number };
}

/**
 * `reposage query --llm-rerank` against the real server and a real small model: the candidates are re-ordered
 * by P(yes) − P(no) that the server's log-probabilities give, one generate call per candidate. The model is
 * too small to judge relevance well (test/bench/RESULTS.md measures that), so this checks the path: real
 * log-probabilities reached the scores, and the order follows them.
 */
describe(`query --llm-rerank with the real Ollama server (${SMALL_MODEL})`, () => {
  let fixture: IndexedFixture;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    fixture = await indexFixture();
    proxy = await startRecordingProxy(inject('ollamaUrl'));
  });
  afterAll(async () => {
    await proxy?.close();
    await fixture?.cleanup();
  });

  it('re-ranks the fused candidates by the yes and no probabilities of the first answer token', async () => {
    const result = await runCli(
      [
        'query',
        'How is stock shipped?',
        fixture.root,
        '--db',
        fixture.db,
        '--llm-rerank',
        SMALL_MODEL,
        '--ollama',
        proxy.url,
        '--json',
        '--trace',
      ],
      {},
      { cwd: fixture.elsewhere },
    );
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as { mode: string; trace: { candidates: Ranked[] } };
    expect(output.mode).toBe('rerank');

    const scored = output.trace.candidates.filter((candidate) => candidate.scores.rerank !== undefined);
    expect(scored.length).toBe(Math.min(DEFAULT_RERANK_CANDIDATES, output.trace.candidates.length));
    const generates = proxy.exchanges.filter((exchange) => exchange.path === '/api/generate');
    expect(generates).toHaveLength(scored.length);
    for (const exchange of generates) {
      expect(exchange.body).toMatchObject({ model: SMALL_MODEL, logprobs: true, top_logprobs: 10 });
    }
    // A score read from the text alone is exactly -1, 0 or 1; from log-probabilities it is a probability gap.
    for (const { scores } of scored) expect(Math.abs(scores.rerank!)).toBeLessThanOrEqual(1);
    expect(scored.some(({ scores }) => ![-1, 0, 1].includes(scores.rerank!))).toBe(true);
    // The model's order is the order of its scores, and its first choice leads the answer.
    const byRerank = [...scored].sort((a, b) => a.ranks.rerank! - b.ranks.rerank!);
    expect(byRerank.map((candidate) => candidate.ranks.rerank)).toEqual(byRerank.map((_, i) => i + 1));
    for (let i = 1; i < byRerank.length; i++)
      expect(byRerank[i - 1].scores.rerank!).toBeGreaterThanOrEqual(byRerank[i].scores.rerank!);
    expect(output.trace.candidates[0].ranks.rerank).toBe(1);
  });
});
