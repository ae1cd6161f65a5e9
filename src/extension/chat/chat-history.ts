import type * as vscode from 'vscode';
import { parseTurn, type Turn } from '../../shared/chat-protocol';

const KEY = 'reposage.chat.history';
/** Enough to scroll back through a working session without workspace state growing without bound. */
const MAX_TURNS = 50;

/** The chat transcript of this workspace, kept in workspaceState so it survives a window reload. */
export class ChatHistory {
  constructor(private readonly state: vscode.Memento) {}

  turns(): Turn[] {
    const saved = this.state.get<unknown>(KEY);
    // Entries written by another version, or damaged, are dropped rather than shown half-broken.
    return Array.isArray(saved) ? saved.map(parseTurn).filter((turn): turn is Turn => turn !== undefined) : [];
  }

  async save(turn: Turn): Promise<void> {
    const turns = this.turns().filter((existing) => existing.id !== turn.id);
    turns.push(turn);
    await this.state.update(KEY, turns.slice(-MAX_TURNS));
  }

  async clear(): Promise<void> {
    await this.state.update(KEY, undefined);
  }
}
