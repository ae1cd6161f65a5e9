import { readFileSync, readdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoSageError } from '../../src/core/errors';
import {
  createStaticEmbedder,
  decodeStaticTable,
  encodeStaticTable,
  loadStaticEmbedder,
  staticTablePath,
} from '../../src/core/embedding/static-embedder';
import type { Embedder } from '../../src/core/embedding/types';
import { useModelSource } from '../../src/core/embedding/model-source';
import { asciiWordPiece } from '../../src/core/embedding/wordpiece';
import { testModels } from '../support/models';
import { makeTempDir } from '../support/temp-dir';

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

describe('the shipped static embedding table (distilled from all-MiniLM-L6-v2)', () => {
  const models = testModels();
  let embedder: Embedder;

  beforeAll(async () => {
    const loaded = await loadStaticEmbedder(models.embeddingModel, models.modelsDir);
    if (!loaded) throw new Error(`no static table ships at ${staticTablePath(models.embeddingModel)}`);
    embedder = loaded;
  });
  afterAll(async () => {
    await embedder?.dispose();
  });

  it('gives one unit vector of the table width per text, the same every time', async () => {
    const texts = ['def parse(text):\n    return json.loads(text)', 'Reading a text file one line at a time', ''];
    const first = await embedder.embed(texts);
    const again = await embedder.embed([...texts].reverse());
    expect(embedder.dimension).toBe(256);
    expect(embedder.modelId).toMatch(/^static:Xenova\/all-MiniLM-L6-v2:256d@[0-9a-f]{12}$/);
    expect(first).toHaveLength(3);
    for (const [i, vector] of first.entries()) {
      expect(vector).toHaveLength(256);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
      expect(again[2 - i]).toEqual(vector);
    }
  });

  it('places related texts closer than unrelated ones', async () => {
    const [question, paraphrase, unrelated, code, otherCode] = await embedder.embed([
      'How do I read a file line by line?',
      'Reading a text file one line at a time',
      'The recipe calls for two cups of flour and an egg.',
      'def send_email(recipient, subject, body):\n    smtp.sendmail(sender, recipient, message)',
      'def draw_circle(canvas, radius):\n    canvas.arc(0, 0, radius, 0, 2 * math.pi)',
    ]);
    expect(dot(question, paraphrase)).toBeGreaterThan(dot(question, unrelated) + 0.2);
    const [mailQuestion] = await embedder.embed(['where is mail sent to a user']);
    expect(dot(mailQuestion, code)).toBeGreaterThan(dot(mailQuestion, otherCode));
  });
});

describe('the ASCII WordPiece fast path', () => {
  it('splits code into exactly the ids the tokenizer gives, and leaves other text to it', async () => {
    useModelSource(testModels().modelsDir);
    const tokenizer = await AutoTokenizer.from_pretrained(testModels().embeddingModel);
    const fast = asciiWordPiece((tokenizer as unknown as { _tokenizerJSON: unknown })._tokenizerJSON);
    if (!fast) throw new Error('no fast path for the bundled tokenizer');
    const folder = path.resolve('src/core/store');
    const texts = readdirSync(folder).flatMap((name) => {
      const text = readFileSync(path.join(folder, name), 'utf8');
      return Array.from({ length: Math.ceil(text.length / 800) }, (_, i) => text.slice(i * 800, (i + 1) * 800));
    });
    texts.push(
      'Tab\there, vertical\vtab and form\ffeed: dropped\x7f or split',
      `parseConfigFile_${'x'.repeat(120)} HTTPServer2Handler(a,b)->c; ## ##ing {}[]~\`|`,
      'qwxzvk zzzqqq bogusword',
    );
    let compared = 0;
    for (const text of texts) {
      const ids = fast(text);
      if (!ids) continue;
      compared++;
      expect(ids, text).toEqual(tokenizer.encode(text, { add_special_tokens: false }));
    }
    expect(compared).toBeGreaterThan(texts.length * 0.8);
    expect(fast('naïve café')).toBeUndefined();
    expect(fast('a [SEP] b')).toBeUndefined();
  });
});

describe('static table files', () => {
  it('round-trip, and a cut file is refused with what to do', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const header = { format: 1 as const, baseModel: 'Org/tiny', dimension: 2, vocabSize: 3, method: 'test' };
      const file = encodeStaticTable(header, Float32Array.from([0.5, 1, 2]), Int8Array.from([1, 2, 3, 4, -5, 6]));
      const table = decodeStaticTable(file, 'tiny.bin');
      expect([...table.scales]).toEqual([0.5, 1, 2]);
      expect([...table.rows]).toEqual([1, 2, 3, 4, -5, 6]);
      expect(table.id).toMatch(/^static:Org\/tiny:2d@/);

      const cut = path.join(dir, 'cut.bin');
      await fs.writeFile(cut, file.subarray(0, file.length - 1));
      const error = (await createStaticEmbedder({ tablePath: cut }).catch((e: unknown) => e)) as RepoSageError;
      expect(error.code).toBe('MODEL_LOAD_FAILED');
      expect(error.message).toContain('is damaged');
      expect(error.hint).toContain('distill-static');
    } finally {
      await cleanup();
    }
  });
});
