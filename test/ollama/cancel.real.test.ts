import { describe, expect, inject, it } from 'vitest';
import { OllamaClient } from '../../src/core/ollama';
import { SMALL_MODEL } from '../support/real-ollama';

/** Stop must stop the work on the server, not only the reading: a CPU runs one answer at a time. */
describe('cancelling an answer on the real server', () => {
  const client = new OllamaClient({ host: inject('ollamaUrl') });

  it('frees the server for the next request at once', async () => {
    const controller = new AbortController();
    const long = client.chatStream({
      model: SMALL_MODEL,
      messages: [{ role: 'user', content: 'Write a very long story about a lighthouse.' }],
      options: { num_predict: 4000, temperature: 0.8, seed: 3 },
      signal: controller.signal,
    });
    let pieces = 0;
    const started = performance.now();
    await expect(
      (async () => {
        for await (const _ of long) if (++pieces === 3) controller.abort();
      })(),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    const msPerPiece = (performance.now() - started) / pieces;

    const next = performance.now();
    const reply = await client.generate({ model: SMALL_MODEL, prompt: 'Hi', options: { num_predict: 1 } });
    const waited = performance.now() - next;

    expect(reply.stats.answerTokens).toBe(1);
    // Had the server kept generating, this request would queue behind ~4000 tokens.
    expect(waited).toBeLessThan(msPerPiece * 1000);
  });
});
