import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_WORDING } from '../../src/cli/main';
import { RepoSageError } from '../../src/core/errors';
import { createEmbedder } from '../../src/core/embedding/embedder';
import { createReranker } from '../../src/core/embedding/reranker';

describe('a model loader pointed at a folder without the model', () => {
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(os.tmpdir(), 'reposage-no-models-'));
  });
  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
  });

  it.each([
    {
      loader: 'createEmbedder',
      load: (modelsDir: string) => createEmbedder({ modelsDir }),
      id: 'Xenova/all-MiniLM-L6-v2',
    },
    {
      loader: 'createReranker',
      load: (modelsDir: string) => createReranker({ modelsDir }),
      id: 'Xenova/ms-marco-MiniLM-L-6-v2',
    },
  ])('$loader reports MODEL_NOT_FOUND naming the folder searched and the setting to fix', async ({ load, id }) => {
    const error = await load(emptyDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepoSageError);
    const { code, message, hint } = error as RepoSageError;
    expect(code).toBe('MODEL_NOT_FOUND');
    expect(message).toContain(path.join(emptyDir, id));
    // Each shell names its own way to fix it: the setting in VS Code, the flag in the CLI.
    expect(hint).toContain('reposage.modelsDir');
    expect((error as RepoSageError).hintIn(CLI_WORDING)).toContain('Point --models DIR at a folder');
  });
});
