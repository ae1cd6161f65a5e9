import { readChangeMark } from '../store/change-mark';
import type { SearchHandle } from './search-session';

interface Opened {
  mark: string;
  handle: SearchHandle;
  /** Searches using it now: a replaced index is closed once the last one is done. */
  users: number;
  replaced: boolean;
}

/**
 * An index kept open between searches, for a process that asks many questions (the editor, a long
 * CLI run): opening one costs a health check of its tables on every question otherwise. Before each
 * search it checks the index's change mark (a file read and two stats) and re-opens only when a
 * writer changed it since, so a re-index is always seen.
 */
export class KeptSearch {
  private current: Opened | undefined;
  private opening: Promise<Opened> | undefined;
  private closed = false;

  constructor(
    private readonly dbDir: string,
    private readonly open: () => Promise<SearchHandle>,
  ) {}

  /** The index for one search, up to date with the disk; close() the handle when the search is done. */
  async acquire(): Promise<SearchHandle> {
    const opened = await this.upToDate();
    opened.users++;
    let done = false;
    return {
      ...opened.handle,
      close: () => {
        if (done) return;
        done = true;
        opened.users--;
        this.closeIfUnused(opened);
      },
    };
  }

  /** Closes the index once the searches running on it are done; a later acquire opens it again. */
  close(): void {
    this.closed = true;
    this.replace(undefined);
  }

  private async upToDate(): Promise<Opened> {
    this.closed = false;
    const mark = await readChangeMark(this.dbDir);
    if (this.current?.mark === mark) return this.current;
    // Searches that arrive while it opens share the one opening.
    this.opening ??= this.reopen(mark).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** The mark is read before opening: a write landing during the open makes the next search re-open, never miss it. */
  private async reopen(mark: string): Promise<Opened> {
    let handle: SearchHandle;
    try {
      handle = await this.open();
    } catch (error) {
      // What is open is out of date, and no newer index opens (deleted, being rebuilt): let it go.
      this.replace(undefined);
      throw error;
    }
    const opened: Opened = { mark, handle, users: 0, replaced: false };
    if (this.closed) {
      opened.replaced = true;
      return opened;
    }
    this.replace(opened);
    return opened;
  }

  private replace(next: Opened | undefined): void {
    const previous = this.current;
    this.current = next;
    if (previous && previous !== next) {
      previous.replaced = true;
      this.closeIfUnused(previous);
    }
  }

  private closeIfUnused(opened: Opened): void {
    if (opened.replaced && opened.users === 0) opened.handle.close();
  }
}
