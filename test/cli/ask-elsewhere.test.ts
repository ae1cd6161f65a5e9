import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { indexFixture, type IndexedFixture } from '../support/indexed-fixture';
import { runCli } from '../support/run-cli';

/** The index records the folder it was built from, so commands run with --db from anywhere verify against it. */
describe('ask and query with --db, from another working directory', () => {
  let fixture: IndexedFixture;
  let stub: OllamaStub;
  beforeAll(async () => {
    fixture = await indexFixture();
    stub = await startOllamaStub();
  });
  afterAll(async () => {
    await stub.close();
    await fixture.cleanup();
  });

  it('verifies every source against the indexed folder, not the working directory', async () => {
    const result = await runCli(
      ['ask', 'How is stock shipped?', '--db', fixture.db, '--ollama', stub.url, '--json'],
      {},
      { cwd: fixture.elsewhere },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.sources.length).toBeGreaterThan(0);
    expect(result.json.sources.every((source: { verified: boolean }) => source.verified)).toBe(true);
    expect(result.json.citations.length).toBeGreaterThan(0);
  });

  it('queries the indexed folder without indexing the working directory', async () => {
    const result = await runCli(
      ['query', 'ship units', '--db', fixture.db, '--json', '--mode', 'hybrid'],
      {},
      { cwd: fixture.elsewhere },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(await fs.readdir(fixture.elsewhere)).toEqual([]);
  });

  it('refuses clearly when the indexed folder is gone', async () => {
    await fs.rename(fixture.root, `${fixture.root}-moved`);
    try {
      const result = await runCli(
        ['ask', 'How is stock shipped?', '--db', fixture.db, '--ollama', stub.url],
        {},
        { cwd: fixture.elsewhere },
      );

      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`was built from ${fixture.root}, which no longer exists`);
      expect(result.stderr).toContain('reposage index DIR --db');
    } finally {
      await fs.rename(`${fixture.root}-moved`, fixture.root);
    }
  });
});
