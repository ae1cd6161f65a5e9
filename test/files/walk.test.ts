import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { changeScope, walkPaths, walkWorkspace, type WalkOptions } from '../../src/core/files';
import { makeTempDir, writeTree } from '../support/temp-dir';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('reposage-walk-'));
});

afterEach(async () => {
  await cleanup();
});

async function walkedPaths(options: WalkOptions = {}): Promise<string[]> {
  return (await walkWorkspace(root, options)).files.map((file) => file.path);
}

async function skippedAs(reason: string, options: WalkOptions = {}): Promise<string[]> {
  const { skipped } = await walkWorkspace(root, options);
  return skipped.filter((skip) => skip.reason === reason).map((skip) => skip.path);
}

/** Root may read anything, so permission tests only mean something for other users. */
async function permissionsAreEnforced(file: string): Promise<boolean> {
  try {
    await fs.readFile(file);
    return false;
  } catch {
    return true;
  }
}

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('ignore files', () => {
  it('scopes nested .gitignore files, with negations, anchors and folder-only patterns', async () => {
    await writeTree(root, {
      '.gitignore': '*.log\ngenerated/\n/only-root.txt\n',
      'app.log': 'x',
      'keep.log': 'x',
      'only-root.txt': 'x',
      'main.ts': 'x',
      'generated/api.ts': 'x',
      'docs/generated': 'a file, not a folder, so `generated/` leaves it alone',
      'sub/.gitignore': '!keep.log\n!generated/\n',
      'sub/keep.log': 'x',
      'sub/other.log': 'x',
      'sub/only-root.txt': 'x',
      'sub/deep/keep.log': 'x',
      'sub/generated/client.ts': 'x',
      'other/keep.log': 'x',
    });
    expect(await walkedPaths()).toEqual([
      '.gitignore',
      'docs/generated',
      'main.ts',
      'sub/.gitignore',
      'sub/deep/keep.log',
      'sub/generated/client.ts',
      'sub/keep.log',
      'sub/only-root.txt',
    ]);
  });

  it('reads .reposageignore with the same syntax and scoping, after .gitignore', async () => {
    await writeTree(root, {
      '.gitignore': '*.snap\n',
      '.reposageignore': 'fixtures/\n!keep.snap\n',
      'a.snap': 'x',
      'keep.snap': 'x',
      'fixtures/big.json': 'x',
      'README.md': 'x',
      'pkg/.reposageignore': '*.md\n',
      'pkg/README.md': 'x',
      'pkg/index.ts': 'x',
    });
    expect(await walkedPaths()).toEqual([
      '.gitignore',
      '.reposageignore',
      'README.md',
      'keep.snap',
      'pkg/.reposageignore',
      'pkg/index.ts',
    ]);
  });

  it('agrees with git on which untracked files are ignored', async ({ skip }) => {
    if (!hasGit()) skip('git is not installed');
    await writeTree(root, {
      '.gitignore': '*.log\n!important.log\ngen/\n/top.txt\ndocs/**/draft.md\n*.tmp\n',
      'important.log': 'x',
      'a.log': 'x',
      'top.txt': 'x',
      'a/top.txt': 'x',
      'a/.gitignore': '!gen/\n/local.txt\n*.md\n!keep.md\n',
      'a/gen/x.ts': 'x',
      'a/local.txt': 'x',
      'a/b/local.txt': 'x',
      'a/b/notes.md': 'x',
      'a/b/keep.md': 'x',
      'gen/y.ts': 'x',
      'docs/draft.md': 'x',
      'docs/v1/draft.md': 'x',
      'docs/v1/final.md': 'x',
      'b/.gitignore': '*\n!*/\n!*.ts\n',
      'b/c/d.ts': 'x',
      'b/c/d.js': 'x',
      'x.tmp': 'x',
    });
    execFileSync('git', ['init', '-q'], { cwd: root });
    const fromGit = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: root })
      .toString()
      .split('\0')
      .filter(Boolean)
      .sort();
    expect(await walkedPaths()).toEqual(fromGit);
  });
});

describe('built-in and user rules', () => {
  it('leaves out dependencies, build output, vendored and minified code, lock files and our index', async () => {
    await writeTree(root, {
      'src/index.ts': 'x',
      'node_modules/lib/index.js': 'x',
      'packages/a/node_modules/lib/index.js': 'x',
      '.git/config': 'x',
      'dist/app.js': 'x',
      'build/app.js': 'x',
      'target/debug/app': 'x',
      'coverage/lcov.info': 'x',
      'py/__pycache__/mod.pyc': 'x',
      '.venv/lib/site.py': 'x',
      'env/pyvenv.cfg': 'home = /usr/bin',
      'env/lib/site.py': 'x',
      'lib/vendor/dep.go': 'x',
      'third_party/dep.c': 'x',
      'web/app.min.js': 'x',
      'web/app.min.css': 'x',
      'web/app.js.map': 'x',
      'web/app.js': 'x',
      'package-lock.json': '{}',
      'rust/Cargo.lock': 'x',
      'go.sum': 'x',
      '.reposage/index/data.lance': 'x',
      'App/App.csproj': '<Project />',
      'App/Program.cs': 'x',
      'App/bin/Debug/App.dll': 'x',
      'App/obj/project.assets.json': 'x',
      'scripts/bin/release.sh': 'x',
    });
    const result = await walkWorkspace(root, {});
    expect(result.files.map((file) => file.path)).toEqual([
      'App/App.csproj',
      'App/Program.cs',
      'scripts/bin/release.sh',
      'src/index.ts',
      'web/app.js',
    ]);
    // Lock files and minified code are reported by kind, so a user can see them and ask for them.
    expect(result.skipped).toEqual([
      { path: 'go.sum', reason: 'lock-file' },
      { path: 'package-lock.json', reason: 'lock-file' },
      { path: 'rust/Cargo.lock', reason: 'lock-file' },
      { path: 'web/app.js.map', reason: 'minified' },
      { path: 'web/app.min.css', reason: 'minified' },
      { path: 'web/app.min.js', reason: 'minified' },
    ]);
    expect(result.ignored).toBeGreaterThan(0);
    const wanted = await walkWorkspace(root, { includeKinds: ['lock-file'] });
    expect(wanted.files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['go.sum', 'package-lock.json', 'rust/Cargo.lock']),
    );
  });

  it('never walks into the index folder, wherever --db puts it inside the root', async () => {
    await writeTree(root, {
      'src/a.ts': 'x',
      'my-index/chunks.lance/data/x.lance': 'x',
      'my-index/manifest.json': '{}',
    });
    const result = await walkWorkspace(root, { excludeFolders: [path.join(root, 'my-index')] });
    expect(result.files.map((file) => file.path)).toEqual(['src/a.ts']);
  });

  it('applies user excludes after the defaults, so a negation brings a default back', async () => {
    await writeTree(root, {
      'src/a.ts': 'x',
      'src/a.test.ts': 'x',
      'vendor/dep.ts': 'x',
      'notes.md': 'x',
    });
    expect(await walkedPaths({ exclude: ['*.test.ts', '!vendor/'] })).toEqual([
      'notes.md',
      'src/a.ts',
      'vendor/dep.ts',
    ]);
  });

  it('keeps only files matching the include list when one is given', async () => {
    await writeTree(root, { 'src/a.ts': 'x', 'src/b.md': 'x', 'lib/c.ts': 'x', 'README.md': 'x' });
    expect(await walkedPaths({ include: ['src/', '*.md'] })).toEqual(['README.md', 'src/a.ts', 'src/b.md']);
    expect(await walkedPaths({ include: ['src/**/*.ts'] })).toEqual(['src/a.ts']);
  });
});

describe('files left out for a reason', () => {
  it('reports likely secrets, but not templates or code about secrets', async () => {
    await writeTree(root, {
      '.env': 'TOKEN=1',
      '.env.local': 'TOKEN=1',
      '.env.example': 'TOKEN=',
      'certs/server.pem': 'x',
      'certs/tls.key': 'x',
      'certs/store.p12': 'x',
      'home/.ssh/id_rsa': 'x',
      'home/.ssh/id_ed25519.pub': 'x',
      'home/.netrc': 'x',
      'config/credentials-prod.json': '{}',
      'config/secrets.yaml': 'x',
      'src/secrets.ts': 'export {}',
      'pkg/.npmrc': 'x',
    });
    const result = await walkWorkspace(root, {});
    expect(result.files.map((file) => file.path)).toEqual(['.env.example', 'src/secrets.ts']);
    expect(result.skipped.every((skip) => skip.reason === 'secret')).toBe(true);
    expect(result.skipped.map((skip) => skip.path)).toEqual([
      '.env',
      '.env.local',
      'certs/server.pem',
      'certs/store.p12',
      'certs/tls.key',
      'config/credentials-prod.json',
      'config/secrets.yaml',
      'home/.netrc',
      'home/.ssh/id_ed25519.pub',
      'home/.ssh/id_rsa',
      'pkg/.npmrc',
    ]);
  });

  it('counts a gitignored secret as ignored, not as a refused secret', async () => {
    await writeTree(root, { '.gitignore': '.env\n', '.env': 'TOKEN=1' });
    const result = await walkWorkspace(root, {});
    expect(result.skipped).toEqual([]);
    expect(result.ignored).toBe(1);
  });

  it('skips files above the size limit with their size and time recorded for the rest', async () => {
    await writeTree(root, { 'small.ts': 'x'.repeat(100), 'big.ts': 'x'.repeat(101) });
    const result = await walkWorkspace(root, { maxFileBytes: 100 });
    expect(result.skipped).toEqual([{ path: 'big.ts', reason: 'too-large' }]);
    const [small] = result.files;
    expect(small.path).toBe('small.ts');
    expect(small.absolutePath).toBe(path.join(root, 'small.ts'));
    expect(small.size).toBe(100);
    expect(small.mtimeMs).toBe((await fs.stat(path.join(root, 'small.ts'))).mtimeMs);
  });

  it('rejects a size limit that is not a positive number', async () => {
    await expect(walkWorkspace(root, { maxFileBytes: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports an unreadable folder and walks on', async ({ skip }) => {
    await writeTree(root, { 'locked/a.ts': 'x', 'open/b.ts': 'x' });
    const locked = path.join(root, 'locked');
    await fs.chmod(locked, 0o000);
    try {
      if (!(await permissionsAreEnforced(path.join(locked, 'a.ts'))))
        skip('running as root: chmod 000 does not stop reads');
      expect(await walkedPaths()).toEqual(['open/b.ts']);
      expect(await skippedAs('unreadable')).toEqual(['locked']);
    } finally {
      await fs.chmod(locked, 0o755);
    }
  });
});

describe('symlinks', () => {
  it('follows links inside the root, refuses ones outside it, and survives loops', async () => {
    const { dir: outside, cleanup: removeOutside } = await makeTempDir('reposage-outside-');
    try {
      await writeTree(root, { 'src/a.ts': 'x', 'docs/guide.md': 'x' });
      await writeTree(outside, { 'secret-project/x.ts': 'x' });
      await fs.symlink(path.join(root, 'src'), path.join(root, 'docs/src-link'));
      await fs.symlink(path.join(root, 'src/a.ts'), path.join(root, 'a-link.ts'));
      await fs.symlink('..', path.join(root, 'src/parent')); // src/parent/src/parent/... forever
      await fs.symlink(root, path.join(root, 'docs/root'));
      await fs.symlink('self', path.join(root, 'self'));
      await fs.symlink(path.join(outside, 'secret-project'), path.join(root, 'elsewhere'));
      await fs.symlink(path.join(root, 'missing.ts'), path.join(root, 'dangling.ts'));
      await fs.symlink('../.env', path.join(root, 'docs/config.txt'));
      await writeTree(root, { '.gitignore': '.env\n', '.env': 'TOKEN=1' });

      const result = await walkWorkspace(root, {});
      expect(result.files.map((file) => file.path)).toEqual([
        '.gitignore',
        'a-link.ts',
        'docs/guide.md',
        'docs/src-link/a.ts',
        'src/a.ts',
      ]);
      expect(result.files.find((file) => file.path === 'a-link.ts')?.absolutePath).toBe(path.join(root, 'a-link.ts'));
      expect(result.skipped).toEqual([
        { path: 'dangling.ts', reason: 'unreadable' },
        { path: 'docs/config.txt', reason: 'secret' },
        { path: 'docs/root', reason: 'symlink-loop' },
        { path: 'docs/src-link/parent', reason: 'symlink-loop' },
        { path: 'elsewhere', reason: 'outside-root' },
        { path: 'self', reason: 'symlink-loop' },
        { path: 'src/parent', reason: 'symlink-loop' },
      ]);
    } finally {
      await removeOutside();
    }
  });
});

describe('the walk itself', () => {
  it('lists paths in plain code-unit order, the same every time', async () => {
    await writeTree(root, { 'a.txt': 'x', 'a/b.txt': 'x', 'B.txt': 'x', 'a-b.txt': 'x', 'é.txt': 'x' });
    const first = await walkedPaths();
    expect(first).toEqual(['B.txt', 'a-b.txt', 'a.txt', 'a/b.txt', 'é.txt']);
    expect(await walkedPaths()).toEqual(first);
  });

  it('stops with CANCELLED when the signal fires during the walk', async () => {
    await writeTree(root, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`d${i}/f.ts`, 'x'])));
    const controller = new AbortController();
    const walking = walkWorkspace(root, {}, controller.signal);
    controller.abort();
    await expect(walking).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(walkWorkspace(root, {}, AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('explains a workspace folder that cannot be listed', async () => {
    const missing = path.join(os.tmpdir(), 'reposage-no-such-folder', 'x');
    const error = await walkWorkspace(missing, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RepoSageError);
    expect(error).toMatchObject({ code: 'FILE_UNREADABLE' });
    await writeTree(root, { 'file.ts': 'x' });
    await expect(walkWorkspace(path.join(root, 'file.ts'), {})).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });
});

describe('walking named paths only', () => {
  beforeEach(async () => {
    await writeTree(root, {
      '.gitignore': '*.log\ngenerated/\n',
      'src/app.py': 'x = 1\n',
      'src/trace.log': 'log\n',
      'src/pkg/.gitignore': '!keep.log\n',
      'src/pkg/keep.log': 'kept by a negation\n',
      'src/pkg/mod.py': 'y = 2\n',
      'src/pkg/deep/inner.py': 'z = 3\n',
      'generated/out.py': 'w = 4\n',
      'node_modules/lib/index.js': 'module.exports = 1\n',
      '.env': 'SECRET=1\n',
    });
  });

  it('lists a named file or folder exactly when the whole walk would', async () => {
    const everything = new Set(await walkedPaths());
    const named = [
      'src/app.py',
      'src/trace.log',
      'src/pkg/keep.log',
      'src/pkg/deep',
      'generated/out.py',
      'node_modules/lib/index.js',
      '.env',
      'src/missing.py',
      'src/app.py/not-a-folder',
    ];
    const listed = (await walkPaths(root, named)).files.map((file) => file.path);
    expect(listed).toEqual(['src/app.py', 'src/pkg/deep/inner.py', 'src/pkg/keep.log']);
    for (const file of listed) expect(everything.has(file)).toBe(true);
  });

  it('looks again at the whole folder of a changed ignore file', () => {
    expect(changeScope(['src/pkg/.gitignore', 'src/pkg/mod.py', 'src/app.py'])).toEqual(['src/app.py', 'src/pkg']);
    expect(changeScope(['.reposageignore', 'src/app.py'])).toEqual(['']);
  });
});
