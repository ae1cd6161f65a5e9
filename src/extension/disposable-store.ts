import type * as vscode from 'vscode';

/**
 * Owns disposables and disposes them together, newest first (later registrations may depend on
 * earlier ones). Adding to a disposed store disposes the newcomer at once, so nothing leaks when a
 * registration races with shutdown.
 */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.reverse()) {
      try {
        item.dispose();
      } catch {
        // One failing disposable must not keep the others alive.
      }
    }
    this.items.length = 0;
  }
}
