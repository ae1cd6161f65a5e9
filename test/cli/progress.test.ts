import { describe, expect, it } from 'vitest';
import { formatDuration, formatEta, formatRate, ratePerSecond } from '../../src/cli/progress';

describe('progress rate and ETA', () => {
  const start = 1_000_000;

  it('has no rate until half a second of work with something done', () => {
    expect(ratePerSecond(10, start, start + 400)).toBeUndefined();
    expect(ratePerSecond(0, start, start + 5000)).toBeUndefined();
    expect(ratePerSecond(10, start, start + 2000)).toBe(5);
  });

  it('writes the rate with one decimal below 10 per second, none above', () => {
    expect(formatRate(4.25, 'chunks')).toBe('4.3 chunks/s');
    expect(formatRate(45.4, 'chunks')).toBe('45 chunks/s');
  });

  it('estimates the time left from the rate so far', () => {
    // 100 of 400 in 10 s: 300 left at 10/s.
    expect(formatEta(100, 400, start, start + 10_000)).toBe('ETA 30s');
    expect(formatEta(100, 4000, start, start + 10_000)).toBe('ETA 6m 30s');
    expect(formatEta(0, 400, start, start + 10_000)).toBe('');
    expect(formatEta(5, 0, start, start + 10_000)).toBe('');
  });

  it('formats durations in seconds, minutes and hours', () => {
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h 07m');
  });
});
