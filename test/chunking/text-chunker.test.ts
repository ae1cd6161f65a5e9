import { beforeAll, describe, expect, it } from 'vitest';
import { chunkFile } from '../../src/core/chunking';
import type { TokenCounter } from '../../src/core/chunking/chunk';
import { contentOf, expectWellFormed, outline, realCounter, withLimit } from './helpers';

let counter: TokenCounter;

beforeAll(async () => {
  counter = await realCounter();
});

const README = `---
title: Widget
---

# Widget

A small tool that renders widgets.

## Install

Pick the package for your system.

### Linux

Run \`apt install widget\`, then start it with \`widget --serve\`.

### Windows

Download the installer from the releases page and run it.

\`\`\`sh
# Not a heading: this is inside a code fence
widget --version
\`\`\`

Usage
-----

Call \`widget render FILE\` to draw a widget.
`;

/** Sentences that read like prose, numbered so that every line differs. */
function prose(lines: number, paragraph = 0): string {
  return Array.from({ length: lines }, (_, i) => {
    const line = `Sentence ${i} explains one more detail of how the widget renderer lays out its panels.`;
    return paragraph > 0 && i > 0 && i % paragraph === 0 ? `\n${line}` : line;
  }).join('\n');
}

describe('chunkFile on markdown', () => {
  it('splits at headings and names each section by its heading path', async () => {
    const tiny = withLimit(counter, 64);
    const chunks = await chunkFile({ path: 'README.md', text: README }, { tokenCounter: tiny });
    expect(outline(chunks)).toEqual([
      '1-11 section Widget, Widget > Install',
      '13-15 section Widget > Install > Linux',
      '17-24 section Widget > Install > Windows',
      '26-29 section Widget > Usage',
    ]);
    expect(chunks[1].text).toBe(
      'path: README.md\nsection: Widget > Install > Linux\n### Linux\n\n' +
        'Run `apt install widget`, then start it with `widget --serve`.',
    );
    expectWellFormed(README, chunks, tiny);
  });

  it('keeps a small document in one chunk', async () => {
    const chunks = await chunkFile({ path: 'README.md', text: README }, { tokenCounter: counter });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ startLine: 1, endLine: 29, language: 'markdown' });
  });

  it('splits a section too large for one chunk, with its heading path on every piece', async () => {
    const text = `# Guide\n\nIntro.\n\n## Details\n\n${prose(60, 4)}\n`;
    const chunks = await chunkFile({ path: 'docs/guide.md', text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    const details = chunks.filter((chunk) => chunk.symbol === 'Guide > Details');
    expect(details.length).toBeGreaterThan(2);
    for (const chunk of details)
      expect(chunk.text.startsWith('path: docs/guide.md\nsection: Guide > Details\n')).toBe(true);
  });
});

describe('chunkFile on other text', () => {
  it('overlaps consecutive chunks by a few lines', async () => {
    const text = prose(120);
    const chunks = await chunkFile({ path: 'notes.txt', text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const shared = chunks[i - 1].endLine - chunks[i].startLine + 1;
      expect(shared, `lines chunk ${i} repeats`).toBeGreaterThanOrEqual(1);
      // About 15% of a 256-token window: a couple of these 18-token lines.
      expect(shared).toBeLessThanOrEqual(3);
    }
    expect(chunks.every((chunk) => chunk.kind === 'text' && chunk.language === 'plaintext')).toBe(true);
  });

  it('repeats nothing when asked for no overlap', async () => {
    const text = prose(120);
    const chunks = await chunkFile({ path: 'notes.txt', text }, { tokenCounter: counter, overlap: 0 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].startLine).toBe(chunks[i - 1].endLine + 1);
  });

  it('cuts at paragraph breaks where that keeps chunks at least half full', async () => {
    const text = prose(120, 5);
    const chunks = await chunkFile({ path: 'notes.txt', text }, { tokenCounter: counter, overlap: 0 });
    const lines = text.split('\n');
    for (const chunk of chunks.slice(0, -1)) expect(lines[chunk.endLine], `after line ${chunk.endLine}`).toBe('');
  });

  it('splits data formats as text, with a header that is not a comment', async () => {
    const text = JSON.stringify(
      {
        name: 'widget',
        scripts: Object.fromEntries(
          prose(40)
            .split('\n')
            .map((line, i) => [`task${i}`, line]),
        ),
      },
      null,
      2,
    );
    const chunks = await chunkFile({ path: 'package.json', text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    expect(chunks[0].text.startsWith('path: package.json\n{')).toBe(true);
    expect(chunks.every((chunk) => chunk.language === 'json' && chunk.kind === 'text')).toBe(true);
  });

  it('treats files of unknown type as plain text', async () => {
    const chunks = await chunkFile(
      { path: 'LICENSE', text: 'MIT License\n\nCopyright (c) the authors.' },
      { tokenCounter: counter },
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ language: 'plaintext', kind: 'text', startLine: 1, endLine: 3 });
    expect(contentOf(chunks[0])).toBe('MIT License\n\nCopyright (c) the authors.');
  });
});
