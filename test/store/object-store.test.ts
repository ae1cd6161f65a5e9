import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import {
  disposeQueryModels,
  loadQueryModels,
  openSearch,
  type QueryModels,
} from '../../src/core/retrieval/search-session';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { readManifest } from '../../src/core/store/manifest';
import { testModels } from '../support/models';
import { type RealMinio, startMinio } from '../support/real-minio';
import { runCli } from '../support/run-cli';
import { makeTempDir, writeTree } from '../support/temp-dir';

/** A small repository: each file has one function with a distinctive name and doc comment. */
function repoFiles(count = 6): Record<string, string> {
  const files: Record<string, string> = {
    'src/config.ts':
      '/** Reads the configuration file and fills in the default port. */\n' +
      'export function parseConfigFile(text: string) {\n  return JSON.parse(text).port ?? 8080;\n}\n',
    'src/server.py':
      'def start_http_server(port):\n    """Start the HTTP server listening on a port."""\n    return port\n',
    'docs/guide.md': '# Deployment guide\n\nHow to deploy the service to the staging cluster.\n',
  };
  for (let i = 0; i < count; i++) {
    files[`src/module${i}.ts`] =
      `/** Computes the checksum of ledger number ${i}. */\n` +
      `export function ledgerChecksum${i}(x: number): number {\n  return x * ${i} + ${i % 7};\n}\n`;
  }
  return files;
}

async function gitRepo(root: string, files: Record<string, string>): Promise<string> {
  await writeTree(root, files);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', 'initial');
  return git('rev-parse', 'HEAD');
}

let minio: RealMinio;
let work: { dir: string; cleanup: () => Promise<void> };
let indexer: IndexerModels;
let query: QueryModels;
const savedEnv = { ...process.env };

beforeAll(async () => {
  minio = await startMinio();
  await minio.createBucket('team');
  // In this process, LanceDB reaches MinIO through the standard AWS variables only, as a user's would.
  Object.assign(process.env, minio.env);
  work = await makeTempDir();
  const { modelsDir } = testModels();
  indexer = await loadIndexerModels({ modelsDir });
  query = await loadQueryModels({ modelsDir, reranker: 'none' });
}, 30 * 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await indexer?.embedder.dispose();
  if (query) await disposeQueryModels(query);
  await minio?.stop();
  await work?.cleanup();
});

async function paths(
  dbDir: string,
  text: string,
  sharedIndex?: string,
): Promise<Array<{ path: string; text: string }>> {
  const search = await openSearch(dbDir, query, sharedIndex);
  try {
    const result = await search.retriever.retrieve(text, { mode: 'hybrid', k: 20 });
    return result.chunks.map((hit) => ({ path: hit.chunk.path, text: hit.chunk.text }));
  } finally {
    search.close();
  }
}

describe('an index in object storage (real MinIO)', () => {
  it('is built by `reposage index --db s3://…` with only AWS variables; searched without a local index', async () => {
    const root = path.join(work.dir, 'ci-checkout');
    const commit = await gitRepo(root, repoFiles());
    const result = await runCli(['index', root, '--db', 's3://team/main/', '--json'], { ...minio.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.json.dbDir).toBe('s3://team/main');
    expect(result.json.files.indexed).toBe(9);
    // Nothing local: not the old folder named `s3:`, not a .reposage folder.
    expect(existsSync(path.join(root, 's3:'))).toBe(false);
    expect(existsSync(path.join(process.cwd(), 's3:'))).toBe(false);
    expect(existsSync(path.join(root, '.reposage'))).toBe(false);

    const manifest = await readManifest('s3://team/main');
    expect(manifest).toMatchObject({ commit, embeddingModel: testModels().embeddingModel });
    const hits = await paths('s3://team/main', 'start the HTTP server on a port');
    expect(hits[0].path).toBe('src/server.py');
  });

  it('serves unchanged files from the shared index, edited, renamed and new ones from a local overlay', async () => {
    const shared = 's3://team/main';
    const before = await readManifest(shared);
    const clone = path.join(work.dir, 'developer');
    await writeTree(clone, repoFiles());
    // An uncommitted edit, a deletion, a rename and a new file.
    await fs.writeFile(
      path.join(clone, 'src/config.ts'),
      '/** Loads settings from environment variables instead of a file. */\n' +
        'export function loadSettingsFromEnvironment() {\n  return process.env.PORT;\n}\n',
    );
    await fs.rm(path.join(clone, 'src/server.py'));
    await fs.rename(path.join(clone, 'docs/guide.md'), path.join(clone, 'docs/deploying.md'));
    await fs.writeFile(
      path.join(clone, 'src/retry.ts'),
      '/** Retries a failed request with exponential backoff. */\nexport function retryWithBackoff() {}\n',
    );

    const overlayDir = path.join(work.dir, 'overlay');
    const summary = await syncIndex({ root: clone, dbDir: overlayDir, sharedIndex: shared }, indexer);
    // Only what differs was embedded locally: the edited, renamed and new files.
    expect(summary.files.indexed).toBe(3);
    expect(summary.chunks.total).toBe(3);
    const overlay = (await readManifest(overlayDir))!.overlay!;
    expect(overlay.masked).toEqual(['docs/guide.md', 'src/config.ts', 'src/server.py']);

    const edited = await paths(overlayDir, 'load settings from environment variables', shared);
    expect(edited[0]).toMatchObject({ path: 'src/config.ts' });
    expect(edited[0].text).toContain('loadSettingsFromEnvironment');
    const everything = await paths(overlayDir, 'configuration file default port server deploy guide', shared);
    // The shared copies of changed and deleted files are never returned.
    expect(everything.filter((hit) => hit.text.includes('parseConfigFile'))).toEqual([]);
    expect(everything.map((hit) => hit.path)).not.toContain('src/server.py');
    expect(everything.map((hit) => hit.path)).not.toContain('docs/guide.md');
    const renamed = (await paths(overlayDir, 'deploy the service to the staging cluster', shared)).map(
      (hit) => hit.path,
    );
    expect(renamed).toContain('docs/deploying.md');
    expect(renamed).not.toContain('docs/guide.md');
    // Unchanged files come from the shared index.
    expect((await paths(overlayDir, 'where is ledgerChecksum4 defined', shared))[0].path).toBe('src/module4.ts');
    expect((await paths(overlayDir, 'retry a failed request with backoff', shared))[0].path).toBe('src/retry.ts');

    // Undoing the edit hands the file back to the shared index.
    await fs.writeFile(path.join(clone, 'src/config.ts'), repoFiles()['src/config.ts']);
    const undone = await syncIndex({ root: clone, dbDir: overlayDir, sharedIndex: shared }, indexer);
    expect(undone.files.removed).toBe(1);
    expect((await readManifest(overlayDir))!.overlay!.masked).toEqual(['docs/guide.md', 'src/server.py']);
    expect((await paths(overlayDir, 'reads the configuration file', shared))[0]).toMatchObject({
      path: 'src/config.ts',
    });

    // The shared index was only read.
    expect(await readManifest(shared)).toEqual(before);
  });

  it('stays consistent when two writers update the same index at once', async () => {
    const uri = 's3://team/race';
    const a = path.join(work.dir, 'job-a');
    const b = path.join(work.dir, 'job-b');
    const filesA = repoFiles(8);
    const filesB = { ...repoFiles(5), 'src/extra.ts': '/** Only on branch b. */\nexport const extra = 1;\n' };
    await writeTree(a, filesA);
    await writeTree(b, filesB);
    const [ra, rb] = await Promise.all([
      syncIndex({ root: a, dbDir: uri }, indexer),
      syncIndex({ root: b, dbDir: uri }, indexer),
    ]);
    expect(ra.files.indexed + rb.files.indexed).toBeGreaterThan(0);

    // One applied after the other: the index is exactly one of the two trees, each file with its own chunks once.
    const manifest = (await readManifest(uri))!;
    const store = await ChunkStore.openForRead(uri, manifest);
    try {
      const catalog = await store.catalog();
      const tree = [...catalog.keys()].sort();
      expect([Object.keys(filesA).sort(), Object.keys(filesB).sort()]).toContainEqual(tree);
      const stats = await store.stats();
      expect(stats.chunks).toBe([...catalog.values()].reduce((sum, file) => sum + file.chunk_count, 0));
      for (const file of tree) expect(await store.chunksOfFile(file)).toHaveLength(catalog.get(file)!.chunk_count);
    } finally {
      store.close();
    }
  });

  it('takes its credentials from a profile in the AWS shared credentials and config files', async () => {
    const root = path.join(work.dir, 'profile-checkout');
    await writeTree(root, repoFiles());
    const aws = path.join(work.dir, 'aws');
    const profile = (secret: string) => ({
      credentials: `[reposage-ci]\naws_access_key_id = ${minio.accessKey}\naws_secret_access_key = ${secret}\n`,
      config: '[profile reposage-ci]\nregion = us-east-1\n',
    });
    // No key in the environment: only the profile named by AWS_PROFILE, in files named by the standard variables.
    const env = (dir: string) => ({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_ENDPOINT_URL: minio.endpoint,
      AWS_ALLOW_HTTP: 'true',
      AWS_PROFILE: 'reposage-ci',
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
      AWS_CONFIG_FILE: path.join(dir, 'config'),
    });
    await writeTree(path.join(aws, 'right'), profile(minio.secretKey));
    await writeTree(path.join(aws, 'wrong'), profile('not-the-secret'));

    const built = await runCli(
      ['index', root, '--db', 's3://team/from-profile', '--json'],
      env(path.join(aws, 'right')),
    );
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.json.files.indexed).toBe(9);
    const found = await runCli(
      ['query', 'start the HTTP server on a port', root, '--db', 's3://team/from-profile', '--json'],
      env(path.join(aws, 'right')),
    );
    expect(found.code).toBe(0);
    expect(found.json.results[0].path).toBe('src/server.py');
    // The profile's key is what the server checks: the same profile with a wrong secret is refused.
    const refused = await runCli(
      ['query', 'server', root, '--db', 's3://team/from-profile'],
      env(path.join(aws, 'wrong')),
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('refused the credentials for s3://team/from-profile');
  });

  it('says what is wrong with bad credentials and a missing bucket', async () => {
    const root = path.join(work.dir, 'ci-checkout');
    const wrong = await runCli(['index', root, '--db', 's3://team/main'], {
      ...minio.env,
      AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('refused the credentials for s3://team/main');
    const missing = await runCli(['query', 'server', root, '--db', 's3://no-such-bucket/main'], { ...minio.env });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('bucket of s3://no-such-bucket/main does not exist');
    // The index that was there is untouched.
    expect((await paths('s3://team/main', 'start the HTTP server on a port'))[0].path).toBe('src/server.py');
  });

  it('keeps serving the previous version when the server stops mid-upload, and never a half-written one', async () => {
    const uri = 's3://team/main';
    const before = (await readManifest(uri))!;
    const root = path.join(work.dir, 'big-change');
    await writeTree(root, repoFiles(200));
    let killed: Promise<void> | undefined;
    const failed = await syncIndex({ root, dbDir: uri }, indexer, {
      onProgress: (progress) => {
        // After the first batch of files is committed, before the rest.
        if (progress.phase === 'writing' && progress.filesDone >= 64) killed ??= minio.kill();
      },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await killed;
    expect(failed).toBeInstanceOf(RepoSageError);
    expect((failed as RepoSageError).code).toBe('INDEX_UNREACHABLE');
    expect((failed as RepoSageError).message).toContain('cannot be reached');

    await minio.restart();
    // Readers open the versions the last finished write recorded: the 9-file index, not 64 new files of 203.
    // The cut-short run got as far as planning; the mark of the last finished run is unchanged.
    expect((await readManifest(uri))!.complete).toEqual(before.complete);
    const store = await ChunkStore.openForRead(uri, before);
    try {
      expect((await store.stats()).files).toBe(9);
    } finally {
      store.close();
    }
    expect((await paths(uri, 'checksum of ledger number 150')).map((hit) => hit.path)).not.toContain(
      'src/module150.ts',
    );
  });
});
