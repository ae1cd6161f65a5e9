import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Biome's formatter breaks code at 120 columns (biome.json lineWidth) but leaves strings, comments
// and regular expressions whole, and it has no rule for line length: this test holds the rest.

const repo = path.resolve(__dirname, '..', '..');
const MAX_COLUMNS = 120;
const CHECKED = /\.(ts|mts|mjs)$/;

/** The 1-based numbers of the lines longer than the limit, counted in characters as an editor shows them. */
function longLines(text: string): number[] {
  return text.split('\n').flatMap((line, i) => ([...line.replace(/\r$/, '')].length > MAX_COLUMNS ? [i + 1] : []));
}

async function trackedSources(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('git', ['ls-files', '-z', '--', 'src', 'test'], { cwd: repo });
  return stdout.split('\0').filter((file) => CHECKED.test(file));
}

describe('line length', () => {
  it('finds a line one column over the limit, counting characters rather than bytes', () => {
    const fits = `// ${'…'.repeat(MAX_COLUMNS - 3)}`;
    expect(longLines(`${fits}\r\n${fits}x\nshort`)).toEqual([2]);
  });

  it(`keeps every tracked source and test file in src/ and test/ within ${MAX_COLUMNS} columns`, async () => {
    const files = await trackedSources();
    expect(files.length).toBeGreaterThan(100);
    const over: string[] = [];
    for (const file of files) {
      const text = await fs.readFile(path.join(repo, file), 'utf8').catch(() => undefined);
      // A tracked file deleted in the working tree is not there to check.
      if (text !== undefined) over.push(...longLines(text).map((line) => `${file}:${line}`));
    }
    expect(over, 'break long strings with +, rewrap comments, split regular expressions').toEqual([]);
  });
});
