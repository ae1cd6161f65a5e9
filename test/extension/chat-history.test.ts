import type * as vscode from 'vscode';
import { describe, expect, it } from 'vitest';
import { ChatHistory } from '../../src/extension/chat/chat-history';
import type { Turn } from '../../src/shared/chat-protocol';

/** An in-memory workspaceState with VS Code's semantics: values are stored as JSON. */
class MemoryState implements vscode.Memento {
  private readonly values = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    const raw = this.values.get(key);
    return raw === undefined ? fallback : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
  }
}

const turn = (id: string): Turn => ({
  id,
  question: `q${id}`,
  answer: `a${id} [1]`,
  sources: [{ n: 1, path: 'a.ts', startLine: 1, endLine: 2, verified: true }],
});

describe('ChatHistory', () => {
  it('keeps turns in order, replaces a turn saved again, and clears', async () => {
    const history = new ChatHistory(new MemoryState());
    await history.save(turn('1'));
    await history.save(turn('2'));
    await history.save({ ...turn('1'), answer: 'edited' });
    expect(history.turns().map((t) => [t.id, t.answer])).toEqual([
      ['2', 'a2 [1]'],
      ['1', 'edited'],
    ]);
    await history.clear();
    expect(history.turns()).toEqual([]);
  });

  it('keeps the last 50 turns', async () => {
    const history = new ChatHistory(new MemoryState());
    for (let i = 0; i < 55; i++) await history.save(turn(String(i)));
    const ids = history.turns().map((t) => t.id);
    expect(ids).toHaveLength(50);
    expect(ids[0]).toBe('5');
    expect(ids[49]).toBe('54');
  });

  it('drops stored entries that are not turns', async () => {
    const state = new MemoryState();
    await state.update('reposage.chat.history', [turn('1'), { id: 2, question: '<script>' }, 'junk', turn('3')]);
    expect(new ChatHistory(state).turns().map((t) => t.id)).toEqual(['1', '3']);
  });
});
