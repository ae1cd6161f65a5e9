import type { CliContext } from './context';
import { terminalSafe } from './terminal-text';

/** How often a log (stderr not a terminal) gets a progress line; a terminal's line is redrawn in place. */
const LOG_INTERVAL_MS = Number(process.env.REPOSAGE_PROGRESS_INTERVAL_MS) || 5000;
const TTY_INTERVAL_MS = 100;

export interface ProgressLine {
  /** Shows `text`; `force` skips the rate limit (a new phase). */
  update(text: string, force?: boolean): void;
  /** Clears a terminal's line before the result is printed. */
  done(): void;
}

const silent: ProgressLine = { update: () => {}, done: () => {} };

/**
 * Progress on stderr: redrawn in place on a terminal, a line every few seconds in a log or pipe
 * (so a long run in CI does not look hung), nothing with `--quiet` or `--json`.
 */
export function progressLine(ctx: CliContext): ProgressLine {
  if (ctx.quiet || ctx.json) return silent;
  const tty = (ctx.stderr as NodeJS.WriteStream).isTTY === true;
  const interval = tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS;
  let last = -Infinity;
  let shown = false;
  return {
    update(text, force = false) {
      const now = Date.now();
      if (!force && now - last < interval) return;
      last = now;
      shown = true;
      const safe = terminalSafe(text);
      ctx.stderr.write(tty ? `\r\x1b[K${safe}` : `reposage: ${safe}\n`);
    },
    done() {
      if (tty && shown) ctx.stderr.write('\r\x1b[K');
    },
  };
}

/** Units per second since `startedAt`; undefined until there is something to divide. */
export function ratePerSecond(done: number, startedAt: number, now = Date.now()): number | undefined {
  const seconds = (now - startedAt) / 1000;
  return done > 0 && seconds >= 0.5 ? done / seconds : undefined;
}

/** "12.3 chunks/s" */
export function formatRate(rate: number, unit: string): string {
  return `${rate.toFixed(rate < 10 ? 1 : 0)} ${unit}/s`;
}

/** "ETA 1m 05s" at the current rate; empty while the rate is unknown. */
export function formatEta(done: number, total: number, startedAt: number, now = Date.now()): string {
  const rate = ratePerSecond(done, startedAt, now);
  return rate === undefined || total <= 0 ? '' : `ETA ${formatDuration(Math.max(0, total - done) / rate)}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
