import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { type GoldenQuestion, parseGoldenSet, readGoldenSet, writeGoldenSet } from '../../src/core/eval/golden-set';
import { makeTempDir, writeTree } from '../support/temp-dir';

describe('golden set files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  it('round-trips questions through JSONL', async () => {
    const questions: GoldenQuestion[] = [
      {
        id: 'q1',
        question: 'Where is the config parsed?',
        expected: [{ path: 'src/config.ts', startLine: 3, endLine: 9 }],
      },
      { id: 'q2', question: 'What opens windows?', expected: [{ path: 'src/window.ts' }], answer: 'openWindow' },
    ];
    const file = path.join(dir, 'golden.jsonl');
    await writeGoldenSet(file, questions);
    expect(await readGoldenSet(file)).toEqual(questions);
  });

  it('names the line of bad JSON', async () => {
    const good = JSON.stringify({ id: 'q1', question: 'x?', expected: [{ path: 'a.ts' }] });
    await writeTree(dir, { 'golden.jsonl': `${good}\n\n{"id": "q2", "question": \n` });
    const file = path.join(dir, 'golden.jsonl');
    const error = await readGoldenSet(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepoSageError);
    expect((error as RepoSageError).code).toBe('INVALID_INPUT');
    expect((error as RepoSageError).message).toContain(`${file}:3: not valid JSON`);
  });

  it.each([
    ['{"question":"q","expected":[{"path":"a.ts"}]}', '"id" must be a non-empty string'],
    ['{"id":"a","question":"q","expected":[]}', '"expected" must be a non-empty array'],
    ['{"id":"a","question":"q","expected":[{"path":"/abs/a.ts"}]}', 'relative to the repository root'],
    ['{"id":"a","question":"q","expected":[{"path":"a.ts","startLine":5}]}', 'must both be given'],
    ['{"id":"a","question":"q","expected":[{"path":"a.ts","startLine":5,"endLine":2}]}', 'is before'],
    ['[1,2]', 'must be a JSON object'],
  ])('rejects %s', (line, problem) => {
    expect(() => parseGoldenSet(line, 'g.jsonl')).toThrow(problem);
  });

  it('rejects a repeated id and an empty file', () => {
    const line = '{"id":"a","question":"q","expected":[{"path":"a.ts"}]}';
    expect(() => parseGoldenSet(`${line}\n${line}\n`, 'g.jsonl')).toThrow('g.jsonl:2: the id "a" is used twice');
    expect(() => parseGoldenSet('\n\n', 'g.jsonl')).toThrow('holds no questions');
  });

  it('reports a missing file as unreadable', async () => {
    await expect(readGoldenSet(path.join(dir, 'none.jsonl'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });
});
