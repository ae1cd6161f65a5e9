import { promises as fs } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './build-dist';
import { runCli } from './run-cli';
import { makeTempDir } from './temp-dir';

/** A small repository (test/e2e/fixtures/inventory), indexed by the CLI into a folder outside it. */
export interface IndexedFixture {
  /** The indexed repository. */
  root: string;
  /** Its index, outside the repository. */
  db: string;
  /** An empty folder, neither the repository nor the index: where a user might run commands from. */
  elsewhere: string;
  cleanup(): Promise<void>;
}

export async function indexFixture(): Promise<IndexedFixture> {
  const temp = await makeTempDir('reposage-fixture-');
  const root = path.join(temp.dir, 'inventory');
  const db = path.join(temp.dir, 'index');
  const elsewhere = path.join(temp.dir, 'elsewhere');
  await fs.cp(path.join(repoRoot, 'test', 'e2e', 'fixtures', 'inventory'), root, { recursive: true });
  await fs.mkdir(elsewhere);
  const indexed = await runCli(['index', root, '--db', db, '--json']);
  if (indexed.code !== 0) throw new Error(`Indexing the fixture failed: ${indexed.stderr}`);
  return { root, db, elsewhere, cleanup: temp.cleanup };
}
