import { describe, expect, it } from 'vitest';
import { historyTokens, trimHistory } from '../../src/core/chat/conversation';
import type { ChatTurn } from '../../src/core/chat/types';

const turns: ChatTurn[] = [
  { role: 'user', content: 'What does parseConfig do?' },
  { role: 'assistant', content: 'It reads the config file and fills in defaults [1]. '.repeat(20) },
  { role: 'user', content: 'Where is it called?' },
  { role: 'assistant', content: 'From startServer in src/server.ts [2].' },
];

describe('trimHistory', () => {
  it('keeps everything that fits', () => {
    expect(trimHistory(turns, historyTokens(turns))).toEqual(turns);
  });

  it('drops the oldest turns first and never starts with an answer', () => {
    const lastExchange = turns.slice(2);
    // Room for the last exchange and the long answer before it, but not its question.
    const budget = historyTokens(turns.slice(1));
    expect(trimHistory(turns, budget)).toEqual(lastExchange);
    expect(trimHistory(turns, historyTokens(lastExchange))).toEqual(lastExchange);
    expect(trimHistory(turns, 3)).toEqual([]);
  });
});
