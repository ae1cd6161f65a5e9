import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { readIndexStatus } from '../../src/core/indexer/status';
import { syncIndex } from '../../src/core/indexer/sync';
import type { IndexProgress } from '../../src/core/indexer/types';
import { IndexWorker } from '../../src/core/indexer/worker-client';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { readManifest, writeManifest } from '../../src/core/store/manifest';
import { buildDist, repoRoot } from '../support/build-dist';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';

function fixtureFiles(): Record<string, string | Buffer> {
  return {
    '.gitignore': '*.log\nbuild/\n',
    'src/config.ts': [
      'export interface Config { port: number; host: string }',
      '',
      '/** Reads the configuration file and fills in defaults. */',
      'export function parseConfigFile(text: string): Config {',
      '  const raw = JSON.parse(text);',
      "  return { port: raw.port ?? 8080, host: raw.host ?? 'localhost' };",
      '}',
    ].join('\n'),
    'src/server.py': 'def start_server(port):\n    """Start the HTTP server on a port."""\n    return port\n',
    'docs/guide.md': '# Guide\n\nHow to run the server.\n\n## Install\n\nRun npm install.\n',
    'logs/app.log': 'ignored log line\n',
    'logs/.gitignore': '!keep.log\n',
    'logs/keep.log': 'this log is kept by a negation\n',
    'build/out.js': 'console.log("build output")\n',
    'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 0, 0]),
    'data/huge.txt': 'x'.repeat(1_200_000),
  };
}

describe('syncIndex on a real repository with real models', () => {
  let models: IndexerModels;
  let root: string;
  let dbDir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    buildDist();
    const { modelsDir } = testModels();
    models = await loadIndexerModels({ modelsDir });
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    dbDir = path.join(temp.dir, 'index');
    await writeTree(root, fixtureFiles());
  });
  afterAll(async () => {
    await models?.embedder.dispose();
    await cleanup?.();
  });

  it('indexes files, honours ignore rules and reports what it skipped and why', async () => {
    const progress: IndexProgress[] = [];
    const summary = await syncIndex({ root, dbDir }, models, { onProgress: (p) => progress.push(p) });

    expect(summary.files.indexed).toBe(6); // 2 .gitignore files, config.ts, server.py, guide.md, logs/keep.log
    expect(summary.files.skipped).toMatchObject({ binary: 1, 'too-large': 1 });
    expect(summary.languages).toMatchObject({ typescript: 1, python: 1, markdown: 1 });
    expect(summary.embeddingModel).toBe('Xenova/all-MiniLM-L6-v2');
    expect(summary.dimension).toBe(384);
    expect(summary.chunks.total).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)?.phase).toBe('done');

    const store = await ChunkStore.openForRead(dbDir, {
      embeddingModel: summary.embeddingModel,
      chunkerVersion: summary.chunkerVersion,
    });
    const catalog = await store.catalog();
    expect([...catalog.keys()].sort()).toEqual([
      '.gitignore',
      'docs/guide.md',
      'logs/.gitignore',
      'logs/keep.log',
      'src/config.ts',
      'src/server.py',
    ]);
    const hits = await store.searchKeywords('parse config file', 3);
    expect(hits[0].chunk.path).toBe('src/config.ts');
    expect(hits[0].chunk.symbol).toContain('parseConfigFile');
    store.close();
  });

  it('re-indexes only what changed and never embeds an unchanged chunk twice', async () => {
    const again = await syncIndex({ root, dbDir }, models);
    expect(again.files).toMatchObject({ indexed: 0, unchanged: 6, removed: 0 });
    expect(again.chunks.embedded).toBe(0);

    await fs.appendFile(
      path.join(root, 'src/server.py'),
      '\n\ndef stop_server():\n    """Stop it."""\n    return None\n',
    );
    await fs.rm(path.join(root, 'docs/guide.md'));
    const changed = await syncIndex({ root, dbDir }, models);
    expect(changed.files).toMatchObject({ indexed: 1, unchanged: 4, removed: 1 });

    // Touching a file without changing it costs a hash, not an embedding.
    const later = new Date(Date.now() + 5000);
    await fs.utimes(path.join(root, 'src/config.ts'), later, later);
    const touched = await syncIndex({ root, dbDir }, models);
    expect(touched.files).toMatchObject({ indexed: 0, unchanged: 5 });
    expect(touched.chunks.embedded).toBe(0);
  });

  it('rebuilds when the index was made by another chunker version', async () => {
    const manifest = (await readManifest(dbDir))!;
    await writeManifest(dbDir, { ...manifest, chunkerVersion: 'an-older-chunker' });
    const rebuilt = await syncIndex({ root, dbDir }, models);
    expect(rebuilt.rebuiltBecause).toMatch(/an-older-chunker/);
    expect(rebuilt.files.indexed).toBe(5);
    expect((await readIndexStatus(dbDir)).chunkerVersion).toBe(manifest.chunkerVersion);
  });

  it('stops on cancellation and the next run completes', async () => {
    const controller = new AbortController();
    const fresh = path.join(path.dirname(dbDir), 'cancelled-index');
    const run = syncIndex({ root, dbDir: fresh }, models, {
      signal: controller.signal,
      onProgress: (p) => p.phase === 'chunking' && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    const after = await syncIndex({ root, dbDir: fresh }, models);
    expect(after.files.indexed + after.files.unchanged).toBe(5);
  });

  it('runs in a worker thread with progress events', async () => {
    const worker = new IndexWorker(path.join(repoRoot, 'dist', 'index-worker.js'), {
      modelsDir: testModels().modelsDir,
    });
    try {
      const phases = new Set<string>();
      const summary = await worker.sync(
        { root, dbDir: path.join(path.dirname(dbDir), 'worker-index') },
        { onProgress: (p) => phases.add(p.phase) },
      );
      expect(summary.files.indexed).toBe(5);
      expect(phases).toContain('embedding');
      expect(phases).toContain('done');
    } finally {
      await worker.dispose();
    }
  });
});

describe('an index run killed midway', () => {
  it('leaves a consistent index that the next run completes without redoing finished files', async () => {
    buildDist();
    const { dir, cleanup } = await makeTempDir();
    try {
      const root = path.join(dir, 'repo');
      const dbDir = path.join(dir, 'index');
      const files: Record<string, string> = {};
      for (let i = 0; i < 320; i++) {
        files[`src/module${i}.ts`] =
          `/** Computes value number ${i}. */\nexport function compute${i}(x: number): number {\n` +
          `  return x * ${i} + ${i % 7};\n}\n`;
      }
      await writeTree(root, files);

      const cli = path.join(repoRoot, 'dist', 'cli.js');
      const env = { ...process.env, REPOSAGE_MODELS_DIR: testModels().modelsDir };
      const child = spawn(process.execPath, [cli, 'index', root, '--db', dbDir, '--json'], { env, stdio: 'ignore' });
      // Kill it once at least one batch of files has been committed to the catalog.
      const versions = path.join(dbDir, 'files.lance', '_versions');
      const deadline = Date.now() + 90_000;
      const commits = async () =>
        existsSync(versions) ? (await fs.readdir(versions)).filter((f) => f.endsWith('.manifest')).length : 0;
      while (Date.now() < deadline && (await commits()) < 2) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(existsSync(path.join(dbDir, 'index-1.lock'))).toBe(true);
      expect(await readIndexStatus(dbDir)).toMatchObject({ state: 'partial', filesPlanned: 320 });

      const models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
      try {
        const resumed = await syncIndex({ root, dbDir }, models);
        expect(resumed.files.unchanged).toBeGreaterThan(0);
        expect(resumed.files.indexed).toBeLessThan(320);
        expect(resumed.files.indexed + resumed.files.unchanged).toBe(320);
        const status = await readIndexStatus(dbDir);
        expect(status.state).toBe('complete');
        expect(status.files).toBe(320);
        expect(status.chunks).toBe(resumed.chunks.total);
        // Every file has exactly its own chunks: nothing duplicated by the interrupted batch.
        const store = await ChunkStore.openForRead(dbDir, status);
        const catalog = await store.catalog();
        const counted = [...catalog.values()].reduce((sum, file) => sum + file.chunk_count, 0);
        expect(counted).toBe(status.chunks);
        store.close();
      } finally {
        await models.embedder.dispose();
      }
    } finally {
      await cleanup();
    }
  }, 240_000);
});
