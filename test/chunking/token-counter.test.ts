import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { createTokenCounter } from '../../src/core/embedding/token-counter';
import { makeTempDir } from '../support/temp-dir';
import { MODEL_ID, realCounter, sharedModelsDir } from './helpers';

describe('createTokenCounter with the real all-MiniLM-L6-v2 tokenizer', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('counts word pieces including [CLS] and [SEP]', async () => {
    const counter = await realCounter();
    expect(counter.count('')).toBe(2);
    expect(counter.count('hello world')).toBe(4);
    // Lower-cased word pieces: token ##ization; con ##st x = 1 ;
    expect(counter.count('Tokenization')).toBe(4);
    expect(counter.count('const x = 1;')).toBe(8);
  });

  it('reads 256 tokens, as sentence-transformers does, not the 512 its tokenizer_config says', async () => {
    expect((await realCounter()).maxTokens).toBe(256);
  });

  it('takes an explicit limit', async () => {
    const counter = await createTokenCounter({ modelId: MODEL_ID, modelsDir: sharedModelsDir, maxTokens: 128 });
    expect(counter.maxTokens).toBe(128);
  });

  it('takes the limit from sentence_bert_config.json when the model folder has one', async () => {
    const { dir, cleanup } = await makeTempDir();
    cleanups.push(cleanup);
    const folder = path.join(dir, MODEL_ID);
    await mkdir(folder, { recursive: true });
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
      await copyFile(path.join(sharedModelsDir, MODEL_ID, file), path.join(folder, file));
    }
    await writeFile(
      path.join(folder, 'sentence_bert_config.json'),
      JSON.stringify({ max_seq_length: 384, do_lower_case: false }),
    );
    const counter = await createTokenCounter({ modelId: MODEL_ID, modelsDir: dir });
    expect(counter.maxTokens).toBe(384);
  });

  it('says which model is missing and where it looked', async () => {
    const { dir, cleanup } = await makeTempDir();
    cleanups.push(cleanup);
    const error = await createTokenCounter({ modelId: 'Xenova/no-such-model', modelsDir: dir }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RepoSageError);
    expect((error as RepoSageError).code).toBe('MODEL_NOT_FOUND');
    expect((error as RepoSageError).message).toContain('no-such-model');
  });

  it('refuses a limit too small to hold a header and some code', async () => {
    const error = await createTokenCounter({ modelId: MODEL_ID, modelsDir: sharedModelsDir, maxTokens: 8 }).catch(
      (e: unknown) => e,
    );
    expect((error as RepoSageError).code).toBe('INVALID_INPUT');
  });
});
