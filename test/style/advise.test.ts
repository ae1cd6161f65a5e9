import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviseStyle, formatAdvice } from '../../src/core/style/advice/advise';
import { makeTempDir, writeTree } from '../support/temp-dir';
import { commit, git, makeStyleRepo } from './style-fixture';

const VERBS = ['parse', 'render', 'merge', 'split', 'encode', 'decode', 'validate', 'normalise', 'compress', 'index'];
const NOUNS = [
  'invoice',
  'ticket',
  'schedule',
  'profile',
  'payload',
  'catalog',
  'receipt',
  'manifest',
  'ledger',
  'timeline',
];
const WAYS = ['strictly', 'lazily', 'in place', 'by chunks', 'with caching', 'as a stream'];

/** Enough distinct documented functions for more than 500 examples (two per function). */
function manyFunctions(): Record<string, string> {
  const files: Record<string, string> = {};
  VERBS.forEach((verb, v) => {
    const functions = NOUNS.flatMap((noun, n) =>
      WAYS.slice(0, 3).map((way, w) => {
        const name = `${verb}_${noun}_${w}`;
        return (
          `def ${name}(${noun}, limit=${v + n + w}):\n` +
          `    """${verb[0].toUpperCase()}${verb.slice(1)} the ${noun} ${way}, stopping after ${v + n + w} ` +
          `${noun}s."""\n` +
          `    items = [${noun}.get("${verb}") for _ in range(limit)]\n` +
          `    return [item for item in items if item is not None and "${way}"]\n`
        );
      }),
    );
    files[`src/${verb}.py`] = functions.join('\n\n');
  });
  return files;
}

describe('style advice from evidence', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let fakePython: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('reposage-advise-'));
    // Stands in for a Python whose PyTorch sees a CUDA GPU, which this machine may not have.
    fakePython = path.join(dir, 'python-with-cuda');
    await fs.writeFile(fakePython, '#!/bin/sh\necho True\n', { mode: 0o755 });
  });
  afterAll(() => cleanup());

  it('recommends RAG only for a small repository, from its history, its example count and the GPU probe', async () => {
    const root = path.join(dir, 'small');
    await fs.mkdir(root);
    await makeStyleRepo(root);

    const advice = await adviseStyle(root, { python: path.join(dir, 'no-such-python') });

    expect(advice.activity).toMatchObject({ days: 90, commits: 7 });
    expect(advice.activity!.filesTouched).toBe(git(root, 'ls-files').trim().split('\n').length);
    expect(advice.examples.total).toBeGreaterThan(0);
    expect(advice.examples.total).toBeLessThan(500);
    expect(advice.examples.byKind.commit).toBeGreaterThan(0);
    expect(advice.gpu.cuda).toBe('unknown');
    expect(advice.gpu.detail).toContain('no-such-python was not found');
    expect(advice.recommendation).toBe('rag-only');
    expect(advice.reasons.join('\n')).toMatch(/fewer than 500/);
    expect(advice.reasons[0]).toMatch(/^Facts .* come from retrieval/);
    expect(advice.questionsForYou.join('\n')).toMatch(/tone and format/);
    expect(advice.questionsForYou.join('\n')).toMatch(/latency/);
    const text = formatAdvice(advice);
    expect(text).toMatch(/^Recommendation: RAG only/);
    expect(text).toContain('Activity: 7 commits');
  });

  it('says when PyTorch itself is missing rather than guessing', async () => {
    const pythonWithoutTorch = path.join(dir, 'python-without-torch');
    await fs.writeFile(
      pythonWithoutTorch,
      '#!/bin/sh\necho "ModuleNotFoundError: No module named \'torch\'" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const root = path.join(dir, 'plain');
    await writeTree(root, {
      'a.py': 'def f():\n    """Return nothing at all, on purpose, for tests."""\n    return None\n',
    });

    const advice = await adviseStyle(root, { python: pythonWithoutTorch });

    expect(advice.gpu).toMatchObject({ cuda: 'unknown' });
    expect(advice.gpu.detail).toContain('PyTorch is not installed');
    expect(advice.activity).toBeUndefined();
    expect(advice.reasons.join('\n')).toContain('no git history');
  });

  it('recommends RAG plus a style adapter with 500+ examples and a CUDA GPU', async () => {
    const root = path.join(dir, 'large');
    await fs.mkdir(root);
    git(root, 'init', '-q', '-b', 'main');
    await commit(root, 'Add the data processing functions for every record type', manyFunctions());

    const advice = await adviseStyle(root, { python: fakePython });

    expect(advice.examples.total).toBeGreaterThanOrEqual(500);
    expect(advice.gpu.cuda).toBe('yes');
    expect(advice.recommendation).toBe('rag-plus-adapter');
    expect(advice.reasons[1]).toMatch(/changes slowly/);
  });
});
