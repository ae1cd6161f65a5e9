import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModels } from '../support/models';
import { runCli } from '../support/run-cli';
import { makeTempDir, writeTree } from '../support/temp-dir';

describe('the CLI on partial, foreign-model and damaged indexes', () => {
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

  it('says "partial index (2 of 5 files)" in text and JSON when answering from an unfinished index', async () => {
    const db = path.join(dir, 'partial-db');
    expect((await runCli(['index', root, '--db', db])).code).toBe(0);
    // As a run cut short leaves it: no mark of a finished run, and more files planned than done.
    const manifestFile = path.join(db, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    delete manifest.complete;
    manifest.filesPlanned = 5;
    await fs.writeFile(manifestFile, JSON.stringify(manifest));

    const status = await runCli(['status', root, '--db', db, '--json']);
    expect(status.json).toMatchObject({ state: 'partial', files: 2, filesPlanned: 5 });
    const text = await runCli(['query', 'add numbers', root, '--db', db, '--mode', 'dense']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('partial index (2 of 5 files)');
    const json = await runCli(['query', 'add numbers', root, '--db', db, '--mode', 'dense', '--json']);
    expect(json.json.index).toMatchObject({
      state: 'partial',
      files: 2,
      filesPlanned: 5,
      note: 'partial index (2 of 5 files)',
    });
    expect(json.json.results[0].path).toBe('src/math.ts');
  });

  it('searches an index with the model it was built with, and refuses clearly when that model is missing', async () => {
    // The provisioned model again, under another name: an index built with a non-default model.
    const models = path.join(dir, 'models');
    await fs.mkdir(path.join(models, 'test'), { recursive: true });
    await fs.symlink(
      path.join(testModels().modelsDir, testModels().embeddingModel),
      path.join(models, 'test', 'alt-minilm'),
    );
    const db = path.join(dir, 'alt-db');
    const built = await runCli(['index', root, '--db', db, '--models', models, '--model', 'test/alt-minilm', '--json']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.json.embeddingModel).toBe('test/alt-minilm');

    const query = await runCli([
      'query',
      'add numbers',
      root,
      '--db',
      db,
      '--models',
      models,
      '--mode',
      'dense',
      '--json',
    ]);
    expect(query.code, query.stderr).toBe(0);
    expect(query.stderr).not.toMatch(/Building the index/);
    expect(query.json.results[0].path).toBe('src/math.ts');
    expect((await runCli(['status', root, '--db', db, '--json'])).json.embeddingModel).toBe('test/alt-minilm');

    const missing = await runCli(['query', 'add numbers', root, '--db', db, '--mode', 'dense']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /built with the embedding model test\/alt-minilm, which cannot be loaded here.*reposage index --model/,
    );
    // Refusing left the index as it was.
    expect((await runCli(['status', root, '--db', db, '--json'])).json).toMatchObject({
      embeddingModel: 'test/alt-minilm',
      state: 'complete',
    });
  });

  it('says a corrupt manifest is damaged (not missing), a file as --db is not a folder; heals on index', async () => {
    const db = path.join(dir, 'corrupt-db');
    expect((await runCli(['index', root, '--db', db])).code).toBe(0);
    await fs.writeFile(path.join(db, 'manifest.json'), '{ not json');
    const status = await runCli(['status', root, '--db', db]);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/damaged: its manifest\.json is unreadable.*reposage index/);
    expect(status.stderr).not.toMatch(/No RepoSage index/);
    const healed = await runCli(['index', root, '--db', db, '--json']);
    expect(healed.json.rebuiltBecause).toMatch(/manifest/);
    expect((await runCli(['status', root, '--db', db, '--json'])).json.state).toBe('complete');

    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, 'x');
    const asDb = await runCli(['index', root, '--db', file]);
    expect(asDb.code).toBe(1);
    expect(asDb.stderr).toMatch(/is a file, not a folder.*--db/);
    expect(asDb.stderr).not.toMatch(/EEXIST|Unexpected/);
  });
});
