import { afterEach, describe, expect, it } from 'vitest';
import { OllamaClient } from '../../src/core/ollama/client';
import { createLlmReranker, yesMinusNo } from '../../src/core/retrieval/llm-reranker';
import { type OllamaStub, startOllamaStub } from '../support/ollama-stub';

describe('LLM re-ranker through Ollama', () => {
  let stub: OllamaStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  it('scores each passage by the yes and no probabilities of the first answer token', async () => {
    stub = await startOllamaStub({
      respond: (request) =>
        request.endpoint === 'generate' && /Code:\n[\s\S]*slugify/.test(request.prompt) ? 'yes' : 'no',
    });
    const reranker = createLlmReranker({
      client: new OllamaClient({ host: stub.url }),
      model: 'qwen2.5-coder:7b',
      concurrency: 2,
    });
    const scores = await reranker.score('where are titles turned into URL fragments?', [
      'def slugify(title): ...',
      'def start_server(port): ...',
      'x = slugify(name)',
    ]);
    expect(scores[0]).toBeCloseTo(0.8, 6);
    expect(scores[1]).toBeCloseTo(-0.8, 6);
    expect(scores[2]).toBeCloseTo(0.8, 6);
    const generates = stub.requests.filter((request) => request.path === '/api/generate');
    expect(generates).toHaveLength(3);
    expect(generates[0].body).toMatchObject({
      model: 'qwen2.5-coder:7b',
      logprobs: true,
      top_logprobs: 10,
      options: { num_predict: 1, temperature: 0 },
    });
    expect(reranker.modelId).toBe('ollama:qwen2.5-coder:7b');
  });

  it('reads P(yes) - P(no) from the alternatives, whatever token was chosen', () => {
    const top = [
      { token: 'Yes', logprob: Math.log(0.55) },
      { token: ' no', logprob: Math.log(0.4) },
      { token: 'maybe', logprob: Math.log(0.05) },
    ];
    expect(yesMinusNo(top, 'Yes')).toBeCloseTo(0.15, 6);
    expect(yesMinusNo([], 'No.')).toBe(-1);
    expect(yesMinusNo([], 'unsure')).toBe(0);
  });
});
