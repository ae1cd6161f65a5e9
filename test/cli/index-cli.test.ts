import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, repoRoot } from '../support/build-dist';
import { testModels } from '../support/models';
import { runCli } from '../support/run-cli';
import { makeTempDir, writeTree } from '../support/temp-dir';

describe('reposage index / status', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    await writeTree(root, {
      'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      'README.md': '# Math\n\nAdds numbers.\n',
    });
  });
  afterAll(() => cleanup());

  it('indexes into DIR/.reposage/index and prints one JSON summary', async () => {
    const result = await runCli(['index', root, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({
      root,
      dbDir: path.join(root, '.reposage', 'index'),
      embeddingModel: 'Xenova/all-MiniLM-L6-v2',
      dimension: 384,
      files: { indexed: 2, unchanged: 0 },
      languages: { typescript: 1, markdown: 1 },
    });
    expect(result.json.chunks.total).toBeGreaterThanOrEqual(2);
  });

  it('runs as `reposage` (its own executable) with glibc malloc held to two arenas, for less memory', async () => {
    buildDist();
    const child = spawn(path.join(repoRoot, 'dist', 'cli.js'), ['index', root, '--json', '--quiet'], {
      env: { ...process.env, MALLOC_ARENA_MAX: undefined, REPOSAGE_MODELS_DIR: testModels().modelsDir },
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // env -S replaces itself with node in the same process, whose environment then has the setting.
    let environ: string[] = [];
    while (child.exitCode === null && !environ.some((entry) => entry.startsWith('MALLOC_ARENA_MAX='))) {
      environ = (await readFile(`/proc/${child.pid}/environ`, 'utf8').catch(() => '')).split('\0');
      await sleep(5);
    }
    expect(await exited).toBe(0);
    expect(environ).toContain('MALLOC_ARENA_MAX=2');
  });

  it('reports status, and an unchanged second run', async () => {
    const again = await runCli(['index', root, '--json']);
    expect(again.json.files).toMatchObject({ indexed: 0, unchanged: 2 });
    const status = await runCli(['status', root, '--json']);
    expect(status.code).toBe(0);
    expect(status.json).toMatchObject({ embeddingModel: 'Xenova/all-MiniLM-L6-v2', dimension: 384, files: 2 });
    expect(Date.parse(status.json.updatedAt)).not.toBeNaN();
    const human = await runCli(['status', root]);
    expect(human.stdout).toMatch(/chunks:\s+\d+/);
  });

  it('fails with one clear line and a non-zero exit', async () => {
    const missing = await runCli(['status', path.join(root, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/No RepoSage index .* Run `reposage index`/);

    const badModels = await runCli([
      'index',
      root,
      '--db',
      path.join(root, 'other-db'),
      '--models',
      path.join(root, 'no-models'),
      '--json',
    ]);
    expect(badModels.code).toBe(1);
    expect(badModels.json.error.code).toBe('MODEL_NOT_FOUND');

    const badFlag = await runCli(['index', '--bogus']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Usage: reposage index/);
  });
});
