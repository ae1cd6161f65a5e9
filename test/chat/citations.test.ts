import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { citedSources, parseCitationMarkers, verifySources } from '../../src/core/chat/citations';
import { chunkFile, type TokenCounter } from '../../src/core/chunking';
import { createTokenCounter } from '../../src/core/embedding/token-counter';
import { packContext } from '../../src/core/retrieval/pack';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';
import { FIXTURE_FILES } from './fixture';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/core/defaults';

describe('parseCitationMarkers', () => {
  it('reads [n], [n, m] and [n][m] in order of first mention, each once', () => {
    expect(
      parseCitationMarkers('Parsing happens in parseConfig [2]. Defaults come from [1, 3][2] and [4][1].'),
    ).toEqual([2, 1, 3, 4]);
  });

  it('ignores brackets inside code spans and fenced blocks', () => {
    const answer = 'Use `items[0]` as in [1]:\n\n```ts\nconst first = list[2];\n```\n\nSee also [3].';
    expect(parseCitationMarkers(answer)).toEqual([1, 3]);
  });

  it('finds nothing in an answer without markers', () => {
    expect(parseCitationMarkers('The context does not say how caching works.')).toEqual([]);
  });
});

describe('verifySources, with chunks from the real chunker', () => {
  let root: string;
  let outside: string;
  let cleanup: () => Promise<void>;
  let tokenCounter: TokenCounter;
  const configPath = () => path.join(root, 'src/config.ts');

  beforeAll(async () => {
    tokenCounter = await createTokenCounter({ modelId: DEFAULT_EMBEDDING_MODEL, modelsDir: testModels().modelsDir });
  });
  beforeEach(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    outside = path.join(temp.dir, 'elsewhere');
    await writeTree(root, { 'src/config.ts': FIXTURE_FILES['src/config.ts'] });
    await writeTree(outside, { 'secret.ts': FIXTURE_FILES['src/config.ts'] });
  });
  afterEach(() => cleanup());

  /** The file as the indexer would chunk it now, and the blocks the model would be shown. */
  async function index(relative: string, counter = tokenCounter) {
    const text = await fs.readFile(path.join(root, relative), 'utf8');
    const chunks = await chunkFile({ path: relative, text }, { tokenCounter: counter });
    return { chunks, blocks: packContext(chunks, { budgetTokens: 10_000 }).blocks };
  }

  it('verifies blocks whose lines still say what was indexed, whatever the line endings', async () => {
    const { chunks, blocks } = await index('src/config.ts');
    expect(blocks.length).toBeGreaterThan(0);
    await fs.writeFile(configPath(), FIXTURE_FILES['src/config.ts'].replace(/\n/g, '\r\n'));

    const sources = await verifySources(root, blocks, chunks);

    expect(sources).toEqual(
      blocks.map(({ n, path, startLine, endLine }) => ({ n, path, startLine, endLine, verified: true })),
    );
  });

  it('verifies parts of a line too long for one chunk, which the chunker cut between words', async () => {
    const long = `export const WORDS = [${Array.from({ length: 120 }, (_, i) => `'word${i}'`).join(', ')}];`;
    await writeTree(root, { 'src/words.ts': `${long}\n` });
    const { chunks } = await index('src/words.ts', { maxTokens: 96, count: (text) => tokenCounter.count(text) });
    const middle = chunks.find((chunk) => chunk.text.includes("'word60'"))!;
    expect(middle.text).not.toContain('WORDS');
    const [block] = packContext([middle], { budgetTokens: 1000 }).blocks;

    expect((await verifySources(root, [block], chunks))[0].verified).toBe(true);
    await fs.writeFile(path.join(root, 'src/words.ts'), long.replace("'word60'", "'changed'"));
    expect((await verifySources(root, [block], chunks))[0].verified).toBe(false);
  });

  it('flags edited, shifted, shortened and deleted files with a reason', async () => {
    const { chunks, blocks } = await index('src/config.ts');
    const parser = blocks.find((b) => b.text.includes('parseConfig'))!;
    const removed = { ...parser, n: 2, path: 'src/removed.ts' };

    await fs.writeFile(configPath(), FIXTURE_FILES['src/config.ts'].replace('8080', '3000'));
    const [edited, missing] = await verifySources(root, [parser, removed], chunks);
    expect(edited).toMatchObject({
      verified: false,
      reason: `lines ${parser.startLine}-${parser.endLine} changed since they were indexed`,
    });
    expect(missing).toMatchObject({ verified: false, reason: 'src/removed.ts no longer exists' });

    await fs.writeFile(configPath(), `// a line added above shifts everything\n${FIXTURE_FILES['src/config.ts']}`);
    expect((await verifySources(root, [parser], chunks))[0]).toMatchObject({
      verified: false,
      reason: expect.stringMatching(/changed since they were indexed$/),
    });

    await fs.writeFile(configPath(), 'export {};\n');
    expect((await verifySources(root, [parser], chunks))[0]).toMatchObject({
      verified: false,
      reason: `lines ${parser.startLine}-${parser.endLine} no longer exist (the file has 1)`,
    });
  });

  it('refuses paths that leave the workspace, by .. or by a symbolic link', async () => {
    await fs.symlink(outside, path.join(root, 'linked'));
    const { chunks, blocks } = await index('src/config.ts');
    const elsewhere = ['../elsewhere/secret.ts', path.join(outside, 'secret.ts'), 'linked/secret.ts'].map((p, i) => ({
      ...blocks[0],
      n: i + 1,
      path: p,
    }));

    const sources = await verifySources(root, elsewhere, chunks);

    expect(sources.map((s) => s.verified)).toEqual([false, false, false]);
    for (const source of sources) expect(source.reason).toMatch(/is outside the workspace$/);
  });
});

describe('citedSources', () => {
  it('maps markers to the sources shown and drops numbers that match none', () => {
    const sources = [1, 2, 3].map((n) => ({ n, path: `f${n}.ts`, startLine: 1, endLine: 2, verified: true }));
    expect(citedSources('See [3] and [7], then [1].', sources).map((c) => c.n)).toEqual([3, 1]);
  });
});
