import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFixMessage, isTestPath, questionFromMessage } from '../../src/core/eval/fix-commits';
import { goldenFromHistory } from '../../src/core/eval/from-history';
import { readGoldenSet } from '../../src/core/eval/golden-set';
import { changedRanges, mapLine, mapRanges } from '../../src/core/eval/line-map';
import { runCliInProcess } from '../support/run-cli-in-process';
import { makeTempDir, writeTree } from '../support/temp-dir';

const PARSE_V1 = [
  'def parse(text):',
  '    parts = text.split(",")',
  '    first = parts[0]',
  '    return [first] + parts[1:]',
  '',
  '',
  'def join(items):',
  '    return ",".join(items)',
  '',
].join('\n');
const PARSE_V2 = [
  'def parse(text):',
  '    if not text:',
  '        return []',
  '    parts = text.split(",")',
  '    return parts',
  '',
  '',
  'def join(items):',
  '    return ",".join(items)',
  '',
].join('\n');
const HEADER = ['"""Comma-separated values."""', '', '', ''].join('\n');

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * A repository with a history: an initial commit, a fix with a body (and a test and a trailer),
 * a title-only fix merged from a branch whose commit explains it, a docs fix, and a later commit
 * that moves the fixed lines down.
 */
async function makeRepository(
  root: string,
): Promise<{ initial: string; fix: string; merge: string; docstring: string }> {
  git(path.dirname(root), 'init', '-q', '-b', 'main', root);
  git(root, 'config', 'user.email', 'dev@example.com');
  git(root, 'config', 'user.name', 'Dev');
  const commit = (message: string) => git(root, 'commit', '-q', '-a', '-m', message);

  await writeTree(root, {
    'src/csvish.py': PARSE_V1,
    'tests/test_csvish.py': 'def test_parse():\n    assert parse("a")\n',
    'README.md': '# csvish\n',
  });
  git(root, 'add', '.');
  commit('Initial version');
  const initial = git(root, 'rev-parse', 'HEAD');

  await writeTree(root, {
    'src/csvish.py': PARSE_V2,
    'tests/test_csvish.py': 'def test_parse():\n    assert parse("") == []\n',
  });
  commit(
    'Fix crash on empty input (#12)\n\nparse("") raised IndexError instead of returning an empty list,\n' +
      'so reading an empty file crashed the importer.\n\nSigned-off-by: Dev <dev@example.com>',
  );
  const fix = git(root, 'rev-parse', 'HEAD');

  git(root, 'checkout', '-q', '-b', 'fix-join');
  await writeTree(root, {
    'src/csvish.py': PARSE_V2.replace('",".join(items)', '",".join(str(item) for item in items)'),
  });
  commit(
    'Accept numbers in join\n\n' +
      'join([1, 2]) failed with a TypeError: sequence item 0: expected str instance, int found.',
  );
  git(root, 'checkout', '-q', 'main');
  git(
    root,
    'merge',
    '-q',
    '--no-ff',
    'fix-join',
    '-m',
    'Merge pull request #13 from dev/fix-join\n\nFix join of numbers',
  );
  const merge = git(root, 'rev-parse', 'HEAD');

  await writeTree(root, { 'README.md': '# csvish\n\nSplits text.\n' });
  commit('Fix a typo in the readme');
  await writeTree(root, { 'src/csvish.py': HEADER + (await fs.readFile(path.join(root, 'src/csvish.py'), 'utf8')) });
  commit('Fix the missing module docstring of csvish');
  return { initial, fix, merge, docstring: git(root, 'rev-parse', 'HEAD') };
}

describe('golden set from history', () => {
  let root: string;
  let commits: Awaited<ReturnType<typeof makeRepository>>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    commits = await makeRepository(root);
  });
  afterAll(() => cleanup?.());

  it('asks each fix commit message and expects the changed source lines as they read at HEAD', async () => {
    const result = await goldenFromHistory({ root });
    expect(result.questions.map((q) => q.commit)).toEqual([commits.docstring, commits.merge, commits.fix]);
    const [docstring, merged, fixed] = result.questions;
    expect(docstring).toMatchObject({
      question: 'Fix the missing module docstring of csvish',
      expected: [{ path: 'src/csvish.py', startLine: 1, endLine: 3 }],
    });

    // The fix wrote lines 2-5 of the file; the three docstring lines came above them later.
    expect(fixed.expected).toEqual([{ path: 'src/csvish.py', startLine: 5, endLine: 8 }]);
    expect(fixed.question).toContain('parse("") raised IndexError');
    expect(fixed.question).not.toContain('Signed-off-by');

    // A merge is its pull request: the merge's text and the branch's commit messages.
    expect(merged.question).toContain('Fix join of numbers');
    expect(merged.question).toContain('TypeError: sequence item 0');
    expect(merged.question).not.toContain('Merge pull request');
    expect(merged.expected).toEqual([{ path: 'src/csvish.py', startLine: 12, endLine: 12 }]);
    // The readme fix changed no source file.
    expect(result.skipped.noSourceFile).toBe(1);
  });

  it('before the fixes, expects the lines each fix replaced (where the bug was)', async () => {
    const result = await goldenFromHistory({ root, range: `${commits.initial}..HEAD`, target: commits.initial });
    const fixed = result.questions.find((q) => q.commit === commits.fix)!;
    expect(fixed.expected).toEqual([{ path: 'src/csvish.py', startLine: 1, endLine: 4 }]);
  });

  it('keeps only fixes with issue text beyond a title when asked', async () => {
    const result = await goldenFromHistory({ root, requireBody: true });
    expect(result.questions.map((q) => q.commit)).toEqual([commits.merge, commits.fix]);
    expect(result.skipped.noBody).toBe(1);
    const recent = await goldenFromHistory({ root, range: `${commits.fix}..HEAD`, requireBody: true, limit: 1 });
    expect(recent.questions.map((q) => q.commit)).toEqual([commits.merge]);
  });

  it('writes a golden set eval reads, from the CLI', async () => {
    const out = path.join(path.dirname(root), 'history.jsonl');
    const result = await runCliInProcess(['golden', 'from-history', root, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Wrote 3 questions');
    const questions = await readGoldenSet(out);
    expect(questions.map((q) => q.expected[0].path)).toEqual(['src/csvish.py', 'src/csvish.py', 'src/csvish.py']);
  });

  it('says what to do outside a git repository', async () => {
    const plain = path.join(path.dirname(root), 'plain');
    await fs.mkdir(plain, { recursive: true });
    const result = await runCliInProcess([
      'golden',
      'from-history',
      plain,
      '--out',
      path.join(plain, 'x.jsonl'),
      '--json',
    ]);
    expect(result.code).toBe(1);
    expect(result.json.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('git') });
  });
});

describe('fix commits', () => {
  it('reads fixes from their words, not chores and docs', () => {
    expect(isFixMessage('Fix crash when the pager is closed')).toBe(true);
    expect(isFixMessage('fix(router): wrong status on HEAD requests')).toBe(true);
    expect(isFixMessage('Handle None\n\nIt raised a TypeError.')).toBe(true);
    expect(isFixMessage('docs: fix typo')).toBe(false);
    expect(isFixMessage('chore: fix lint')).toBe(false);
    expect(isFixMessage('Add a --verbose flag')).toBe(false);
  });

  it('tells tests from code in the common layouts', () => {
    for (const file of [
      'tests/test_core.py',
      'test/router.test.js',
      'pkg/server_test.go',
      'src/__tests__/a.ts',
      'conftest.py',
      'crates/core/tests.rs',
      'testdata/x.go',
    ])
      expect(isTestPath(file), file).toBe(true);
    for (const file of ['src/click/testing.py', 'lib/route.js', 'server.go', 'crates/core/lib.rs', 'src/contest.py'])
      expect(isTestPath(file), file).toBe(false);
  });

  it('takes trailers, checklists and repeated lines out of the question', () => {
    const question = questionFromMessage([
      'Fix X (#1)\n\n* Fix X\n\n- [x] tests added\n<!-- template -->\nCo-authored-by: A <a@b>',
    ]);
    expect(question).toBe('Fix X (#1)');
  });
});

describe('line mapping', () => {
  it('carries lines through inserts and drops the rewritten ones', () => {
    // Three lines inserted after line 0; line 10 rewritten into two lines.
    const hunks = [
      { oldStart: 0, oldLines: 0, newStart: 1, newLines: 3 },
      { oldStart: 10, oldLines: 1, newStart: 13, newLines: 2 },
    ];
    expect(mapLine(1, hunks)).toBe(4);
    expect(mapLine(10, hunks)).toBeUndefined();
    expect(mapLine(11, hunks)).toBe(15);
    expect(mapRanges([{ startLine: 9, endLine: 11 }], hunks)).toEqual([{ startLine: 12, endLine: 15 }]);
  });

  it('marks the lines around a pure insertion and merges near hunks', () => {
    expect(changedRanges([{ oldStart: 5, oldLines: 0, newStart: 6, newLines: 2 }], 'before')).toEqual([
      { startLine: 5, endLine: 6 },
    ]);
    expect(
      changedRanges(
        [
          { oldStart: 5, oldLines: 2, newStart: 5, newLines: 1 },
          { oldStart: 12, oldLines: 1, newStart: 11, newLines: 1 },
        ],
        'after',
      ),
    ).toEqual([{ startLine: 5, endLine: 11 }]);
  });
});
