import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { readIndexStatus } from '../../src/core/indexer/status';
import { syncIndex } from '../../src/core/indexer/sync';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { deepCheck } from '../../src/core/store/verify';
import { buildDist, repoRoot } from '../support/build-dist';
import { testModels } from '../support/models';
import { runCli } from '../support/run-cli';
import { makeTempDir, writeTree } from '../support/temp-dir';

/**
 * The fault-injection tier: index runs killed with SIGKILL at seeded points, then resumed; writers
 * racing; each kind of damage to the index files, healed or refused with a clear message. What a
 * run leaves must always equal what a clean build gives.
 */

/** 260 small files: five commit batches of the indexer, so kills land between and inside them. */
function corpus(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 260; i++) {
    files[`src/area${i % 9}/module${i}.ts`] =
      `/** Computes the value of rule ${i}. */\nexport function rule${i}(input: number): number {\n` +
      `  return input * ${i} + ${i % 11};\n}\n`;
  }
  files['README.md'] = '# Rules\n\nEvery module computes one rule.\n';
  return files;
}

/** A small deterministic generator (mulberry32), so a failing seed can be run again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What an index holds, in a form two builds can be compared by: every chunk and every catalog entry. */
async function contents(dbDir: string): Promise<{ chunks: string[]; files: string[] }> {
  const manifest = JSON.parse(await fs.readFile(path.join(dbDir, 'manifest.json'), 'utf8'));
  const store = await ChunkStore.openForRead(dbDir, manifest);
  try {
    const chunks: string[] = [];
    for await (const rows of store.scanChunks()) for (const row of rows) chunks.push(`${row.path} ${row.content_hash}`);
    const files = [...(await store.catalog()).values()].map(
      (file) => `${file.path} ${file.content_hash} ${file.chunk_count}`,
    );
    return { chunks: chunks.sort(), files: files.sort() };
  } finally {
    store.close();
  }
}

function startIndex(root: string, dbDir: string): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'index', root, '--db', dbDir, '--json'], {
    env: { ...process.env, REPOSAGE_MODELS_DIR: testModels().modelsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function commitsOf(dbDir: string): Promise<number> {
  let count = 0;
  for (const table of ['chunks.lance', 'files.lance']) {
    const versions = path.join(dbDir, table, '_versions');
    if (existsSync(versions)) count += (await fs.readdir(versions)).filter((file) => file.endsWith('.manifest')).length;
  }
  return count;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fault injection: killed runs, racing writers, damaged files', () => {
  let dir: string;
  let root: string;
  let clean: { chunks: string[]; files: string[] };
  let models: IndexerModels;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    buildDist();
    ({ dir, cleanup } = await makeTempDir('reposage-faults-'));
    root = path.join(dir, 'repo');
    await writeTree(root, corpus());
    models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    const cleanDb = path.join(dir, 'clean');
    await syncIndex({ root, dbDir: cleanDb }, models);
    clean = await contents(cleanDb);
    expect(clean.files).toHaveLength(261);
  }, 300_000);
  afterAll(async () => {
    await models?.embedder.dispose();
    await cleanup?.();
  });

  // Each seed picks a point: after how many table commits (0: while loading the models) and a jitter.
  for (const seed of [11, 23, 37]) {
    it(`seed ${seed}: kill -9 mid-index, then a resumed run equals a clean build`, async () => {
      const random = seeded(seed);
      const afterCommits = Math.floor(random() * 12);
      const jitterMs = Math.floor(random() * 250);
      const dbDir = path.join(dir, `killed-${seed}`);
      const child = startIndex(root, dbDir);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const deadline = Date.now() + 120_000;
      let finished = false;
      child.on('exit', () => (finished = true));
      while (!finished && Date.now() < deadline && (await commitsOf(dbDir)) < afterCommits) await sleep(10);
      await sleep(jitterMs);
      child.kill('SIGKILL');
      await exited;

      if (existsSync(path.join(dbDir, 'manifest.json'))) {
        const status = await readIndexStatus(dbDir);
        // Killed before the end it says partial; a run that got to finish says complete.
        expect(['partial', 'complete']).toContain(status.state);
      }
      const resumed = await syncIndex({ root, dbDir }, models);
      expect(resumed.rebuiltBecause).toBeUndefined();
      expect(await contents(dbDir)).toEqual(clean);
      expect((await readIndexStatus(dbDir)).state).toBe('complete');
      expect((await deepCheck(dbDir)).ok).toBe(true);
    }, 240_000);
  }

  it('two writers started together: one indexes, the other is refused with what to do; index is whole', async () => {
    const dbDir = path.join(dir, 'raced');
    const runs = [startIndex(root, dbDir), startIndex(root, dbDir)].map(
      (child) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          let stderr = '';
          child.stderr!.on('data', (data) => (stderr += data));
          child.on('close', (code) => resolve({ code, stderr }));
        }),
    );
    const results = await Promise.all(runs);
    expect(results.some((result) => result.code === 0)).toBe(true);
    for (const refused of results.filter((result) => result.code !== 0)) {
      expect(refused.stderr).toMatch(
        /Another RepoSage process \(pid \d+, since .*\) is updating the index.*Wait for it to finish/,
      );
    }
    expect(await contents(dbDir)).toEqual(clean);
  }, 240_000);

  describe('damage, as the CLI meets it', () => {
    let dbDir: string;
    beforeAll(async () => {
      dbDir = path.join(dir, 'damaged');
      await syncIndex({ root, dbDir }, models);
    }, 240_000);

    /** The chunks table's largest data file; a rebuild moves the table to a fresh name, the manifest says which. */
    async function largestDataFile(): Promise<string> {
      const manifest = JSON.parse(await fs.readFile(path.join(dbDir, 'manifest.json'), 'utf8'));
      const data = path.join(dbDir, `${manifest.tables?.chunks ?? 'chunks'}.lance`, 'data');
      const sizes = await Promise.all(
        (await fs.readdir(data)).map(async (file) => ({
          file: path.join(data, file),
          size: (await fs.stat(path.join(data, file))).size,
        })),
      );
      return sizes.sort((a, b) => b.size - a.size)[0].file;
    }

    async function expectHealedByQuery(): Promise<void> {
      const status = await runCli(['status', root, '--db', dbDir]);
      expect(status.stdout).toMatch(/state:\s+damaged; run `reposage index` to repair it/);
      const query = await runCli(['query', 'rule42', root, '--db', dbDir, '--mode', 'bm25', '--json']);
      expect(query.code, query.stderr).toBe(0);
      expect(query.stderr).toMatch(/damaged.*Building the index first/);
      expect(query.stderr).not.toMatch(/\.rs:\d|Unexpected error/);
      expect(query.json.results[0].path).toBe('src/area6/module42.ts');
      expect(await contents(dbDir)).toEqual(clean);
    }

    it('a truncated data file: said plainly, healed by the next command', async () => {
      await fs.truncate(await largestDataFile(), 100);
      await expectHealedByQuery();
    }, 240_000);

    it('a deleted data file: said plainly, healed by the next command', async () => {
      await fs.rm(await largestDataFile());
      await expectHealedByQuery();
    }, 240_000);

    it('a deleted full-text index: `index` re-creates it without re-embedding', async () => {
      await fs.rm(path.join(path.dirname(path.dirname(await largestDataFile())), '_indices'), { recursive: true });
      const index = await runCli(['index', root, '--db', dbDir, '--json']);
      expect(index.code, index.stderr).toBe(0);
      expect(index.json.repaired).toContain('search_text');
      expect(index.json.chunks.embedded).toBe(0);
      const query = await runCli(['query', 'rule42', root, '--db', dbDir, '--mode', 'bm25', '--json']);
      expect(query.json.results[0].path).toBe('src/area6/module42.ts');
    }, 240_000);

    it('random bytes inside a data file: `doctor` finds them and rebuilds', async () => {
      const file = await largestDataFile();
      const bytes = await fs.readFile(file);
      for (let i = Math.floor(bytes.length / 4); i < (bytes.length * 3) / 4; i++) bytes[i] = (bytes[i] * 31 + 7) & 0xff;
      await fs.writeFile(file, bytes);
      const doctor = await runCli(['doctor', root, '--db', dbDir, '--json']);
      expect(doctor.code, doctor.stderr).toBe(0);
      expect(doctor.json.before.ok).toBe(false);
      // Where the garbled bytes land decides whether the table still opens (then rows fail their checks) or not.
      expect(doctor.json.rebuiltBecause).toMatch(/doctor found damaged rows|the index could not be read/);
      expect(doctor.json.after).toMatchObject({ ok: true, chunksRead: clean.chunks.length, filesRead: 261 });
      expect(JSON.stringify(doctor.json)).not.toMatch(/\.rs:\d/);
      expect(await contents(dbDir)).toEqual(clean);
    }, 240_000);
  });
});
