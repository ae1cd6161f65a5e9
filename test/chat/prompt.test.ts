import { describe, expect, it } from 'vitest';
import { planBudget } from '../../src/core/chat/budget';
import { formatBlock } from '../../src/core/chat/prompt';

describe('formatBlock', () => {
  it('numbers the block with its path and lines and fences the code with its language', () => {
    expect(formatBlock({ n: 3, path: 'src/app.py', startLine: 10, endLine: 11, text: 'def run():\n    pass' })).toBe(
      '[3] src/app.py:10-11\n```python\ndef run():\n    pass\n```',
    );
  });

  it('fences code that itself holds a fence with a longer one', () => {
    const block = formatBlock({ n: 1, path: 'README.md', startLine: 1, endLine: 3, text: '```sh\nnpm test\n```' });
    expect(block).toBe('[1] README.md:1-3\n````markdown\n```sh\nnpm test\n```\n````');
  });
});

describe('planBudget', () => {
  it('caps the window and the answer, and gives history at most a quarter of the rest', () => {
    expect(planBudget({ modelContextLength: 32768, fixedTokens: 200, historyTokens: 10_000 })).toEqual({
      window: 8192,
      answer: 1024,
      history: 1742,
      context: 5226,
    });
    expect(
      planBudget({
        modelContextLength: 32768,
        maxContextTokens: 16384,
        maxAnswerTokens: 4096,
        fixedTokens: 200,
        historyTokens: 0,
      }),
    ).toMatchObject({
      window: 16384,
      answer: 4096,
      history: 0,
      context: 12088,
    });
  });

  it('keeps at most a quarter of the window for the answer, and no more than the cap asks', () => {
    const budget = (maxContextTokens: number, maxAnswerTokens: number) =>
      planBudget({ modelContextLength: 32768, maxContextTokens, maxAnswerTokens, fixedTokens: 100, historyTokens: 0 });
    expect(budget(2048, 4096).answer).toBe(512);
    expect(budget(2048, 48)).toMatchObject({ answer: 48, context: 1900 });
  });

  it('falls back to 4096 tokens when the model reports no context length', () => {
    expect(planBudget({ fixedTokens: 100, historyTokens: 50 })).toEqual({
      window: 4096,
      answer: 1024,
      history: 50,
      context: 2922,
    });
  });

  it('refuses a question that leaves no room for context', () => {
    expect(() => planBudget({ modelContextLength: 2048, fixedTokens: 1400, historyTokens: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
