import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vectorPercent } from '../../src/core/indexer/coverage';
import { readIndexStatus } from '../../src/core/indexer/status';
import { isSearchable, stateOf, summarize, type IndexState } from '../../src/extension/indexing/index-state';
import { runCli } from '../support/run-cli';
import { makeTempDir, writeTree } from '../support/temp-dir';

const ready = (files: number, chunks: number): IndexState => ({
  kind: 'ready',
  files,
  chunks,
  updatedAt: '2025-01-01T00:00:00Z',
});
const indexing = (filesDone: number, filesTotal: number): IndexState => ({
  kind: 'indexing',
  progress: {
    phase: 'embedding',
    filesDone,
    filesTotal,
    chunks: 0,
    skipped: 0,
    keywordReady: true,
    vectors: { ready: filesDone * 10, total: filesTotal * 10 },
  },
});

describe('summarize', () => {
  it('adds up ready folders', () => {
    expect(summarize([ready(3, 40), ready(2, 10)])).toEqual({ kind: 'ready', files: 5, chunks: 50 });
  });

  it('shows progress across folders before anything else', () => {
    expect(summarize([ready(3, 40), indexing(2, 10), { kind: 'error', message: 'x' }, indexing(1, 5)])).toEqual({
      kind: 'indexing',
      filesDone: 3,
      filesTotal: 15,
      keywordReady: true,
      vectors: { ready: 30, total: 150 },
    });
  });

  it('puts an error before a lock, and a lock before a missing index', () => {
    const error: IndexState = { kind: 'error', message: 'Model not found.' };
    const locked: IndexState = { kind: 'locked', message: 'Another window indexes this folder.' };
    expect(summarize([ready(1, 1), locked, error])).toEqual({ kind: 'error', message: 'Model not found.' });
    expect(summarize([locked, { kind: 'missing' }])).toEqual({
      kind: 'locked',
      message: 'Another window indexes this folder.',
    });
    expect(summarize([ready(1, 1), { kind: 'unknown' }])).toEqual({ kind: 'missing' });
  });

  it('lets questions search an index under construction once keyword search works', () => {
    const building = (keywordReady: boolean): IndexState => ({
      kind: 'indexing',
      progress: {
        phase: 'embedding',
        filesDone: 5,
        filesTotal: 5,
        chunks: 40,
        skipped: 0,
        keywordReady,
        vectors: { ready: 9, total: 40 },
      },
    });
    expect(isSearchable(building(true))).toBe(true);
    expect(isSearchable(building(false))).toBe(false);
    expect(isSearchable({ kind: 'indexing' })).toBe(false);
    expect(isSearchable(ready(1, 1))).toBe(true);
    expect(vectorPercent({ ready: 9, total: 40 })).toBe(22);
    expect(vectorPercent({ ready: 39_999, total: 40_000 })).toBe(99);
    expect(vectorPercent({ ready: 0, total: 0 })).toBe(100);
  });

  it('says when there is nothing to index', () => {
    expect(summarize([])).toEqual({ kind: 'none' });
  });
});

describe('the index state the extension shows is the one `reposage status` reports', () => {
  let dir: string;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    root = path.join(dir, 'repo');
    await writeTree(root, {
      'src/math.ts': 'export function addNumbers(a: number, b: number): number {\n  return a + b;\n}\n',
      'src/text.ts': 'export function shout(text: string): string {\n  return text.toUpperCase();\n}\n',
    });
  });
  afterAll(() => cleanup());

  /** Indexes `root` into a fresh folder with the CLI, as a user or CI would. */
  async function built(name: string): Promise<string> {
    const db = path.join(dir, name);
    const result = await runCli(['index', root, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    return db;
  }

  /** What the status bar, the chat view and suggestions are given for this index, next to what the CLI says. */
  async function seen(db: string) {
    const cli = await runCli(['status', root, '--db', db, '--json']);
    const state = stateOf(await readIndexStatus(db));
    return { cli: cli.json as { state: string }, state, overview: summarize([state]) };
  }

  it('a finished index is ready', async () => {
    const { cli, state, overview } = await seen(await built('complete'));
    expect(cli.state).toBe('complete');
    expect(state.kind).toBe('ready');
    expect(overview).toEqual({ kind: 'ready', files: 2, chunks: expect.any(Number) });
  });

  it('a run cut short is partial, with the note answers carry, and still searchable', async () => {
    const db = await built('partial');
    // As a killed run leaves it: no mark of a finished run, more files planned than done.
    const manifestFile = path.join(db, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    delete manifest.complete;
    manifest.filesPlanned = 5;
    await fs.writeFile(manifestFile, JSON.stringify(manifest));

    const { cli, state, overview } = await seen(db);
    expect(cli.state).toBe('partial');
    expect(state).toMatchObject({ kind: 'partial', files: 2, filesPlanned: 5, building: false });
    expect(isSearchable(state)).toBe(true);
    expect(overview).toMatchObject({ kind: 'partial', files: 2, note: 'partial index (2 of 5 files)' });
    // Beside a finished folder the counts add up: that folder planned what it holds.
    expect(summarize([state, ready(3, 30)])).toMatchObject({ kind: 'partial', note: 'partial index (5 of 8 files)' });
  });

  it('a deleted data file is damaged, with what is wrong, and not searchable', async () => {
    const db = await built('damaged');
    const data = path.join(db, 'chunks.lance', 'data');
    for (const file of await fs.readdir(data)) await fs.rm(path.join(data, file));

    const { cli, state, overview } = await seen(db);
    expect(cli.state).toBe('damaged');
    expect(state.kind).toBe('damaged');
    expect(isSearchable(state)).toBe(false);
    expect(overview).toMatchObject({ kind: 'damaged', problems: [expect.stringMatching(/data files are missing/)] });
    // A damaged folder outranks a read-only one and a missing one: it is what needs doing.
    expect(summarize([{ kind: 'missing' }, { kind: 'locked', message: 'x' }, state]).kind).toBe('damaged');
    expect(summarize([{ kind: 'error', message: 'boom' }, state]).kind).toBe('error');
  });
});
