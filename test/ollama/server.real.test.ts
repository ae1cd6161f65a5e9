import { describe, expect, inject, it } from 'vitest';
import { OllamaClient } from '../../src/core/ollama';
import { SMALL_MODEL } from '../support/real-ollama';

describe('the real Ollama server', () => {
  const client = new OllamaClient({ host: inject('ollamaUrl') });

  it('reports its version', async () => {
    expect(await client.version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers a short chat with the real small model', async () => {
    const stream = client.chatStream({
      model: SMALL_MODEL,
      messages: [{ role: 'user', content: 'Say hello.' }],
      options: { num_predict: 8, temperature: 0 },
    });
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces.join('').trim()).not.toBe('');
    expect(stream.completion?.stats.answerTokens).toBeGreaterThan(0);
    expect(stream.completion?.stats.answerTokens).toBeLessThanOrEqual(8);
  });
});
