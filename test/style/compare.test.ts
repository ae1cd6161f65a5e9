import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNKER_VERSION } from '../../src/core/chunking';
import type { GoldenQuestion } from '../../src/core/eval/golden-set';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { OllamaClient } from '../../src/core/ollama';
import { createRetriever } from '../../src/core/retrieval/retriever';
import type { Retriever } from '../../src/core/retrieval/types';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { compareModels, type CompareReport } from '../../src/core/style/compare/compare';
import { formatCompareTable } from '../../src/core/style/compare/report';
import { buildStyleDataset } from '../../src/core/style/dataset/export';
import type { StyleExample } from '../../src/core/style/types';
import { testModels } from '../support/models';
import { defaultRespond, parseContextBlocks, startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { makeTempDir } from '../support/temp-dir';
import { makeStyleRepo } from './style-fixture';

const BASE = 'qwen2.5-coder:1.5b-instruct';
const TUNED = 'tablekit-style:latest';

const GOLDEN: GoldenQuestion[] = [
  {
    id: 'csv',
    question: 'How is a CSV file read from disk into a table of fields?',
    expected: [{ path: 'src/parse.ts' }],
  },
  // Not textutil.py: it holds a credential, so the index leaves the whole file out.
  {
    id: 'dedent',
    question: 'How is the indentation that every line shares removed?',
    expected: [{ path: 'src/near.py' }],
  },
];

describe('comparing base and tuned models, with and without RAG (stand-in Ollama, real index)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let models: IndexerModels;
  let store: ChunkStore;
  let stub: OllamaStub;
  let examples: StyleExample[];
  let report: CompareReport;
  let retriever: Retriever;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('reposage-compare-'));
    const root = path.join(dir, 'tablekit');
    await fs.mkdir(root);
    await makeStyleRepo(root);
    examples = (await buildStyleDataset({ root })).splits.validation;

    models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
    await syncIndex({ root, dbDir: path.join(dir, 'index') }, models);
    store = await ChunkStore.openForRead(path.join(dir, 'index'), {
      embeddingModel: models.embedder.modelId,
      chunkerVersion: CHUNKER_VERSION,
    });

    // The "tuned" model writes exactly what the project wrote; the base answers as the stub always does.
    stub = await startOllamaStub({
      models: [
        { name: BASE, family: 'qwen2', parameterSize: '1.5B' },
        { name: TUNED, family: 'qwen2', parameterSize: '1.5B' },
      ],
      respond: (request) => {
        const last = request.endpoint === 'chat' ? request.messages.at(-1)!.content : '';
        const example = examples.find((candidate) => last.endsWith(candidate.messages[1].content));
        return request.model === TUNED && example ? example.messages[2].content : defaultRespond(request);
      },
    });
    retriever = createRetriever({ store, embedder: models.embedder });
    report = await compareModels({
      root,
      base: BASE,
      tuned: TUNED,
      examples,
      golden: GOLDEN,
      retriever,
      ollama: new OllamaClient({ host: stub.url }),
    });
  });
  afterAll(async () => {
    await stub?.close();
    store?.close();
    await models?.embedder.dispose();
    await cleanup?.();
  });

  it('produces the four configurations, in order, each over every validation example and golden question', () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(report.rows.map((row) => [row.config, row.model, row.rag])).toEqual([
      ['base', BASE, false],
      ['base+RAG', BASE, true],
      ['tuned', TUNED, false],
      ['tuned+RAG', TUNED, true],
    ]);
    for (const row of report.rows) {
      expect(row.style.examples).toBe(examples.length);
      expect(row.facts?.questions).toBe(GOLDEN.length);
    }
  });

  it("scores style by closeness to the project's own code: the model that writes it exactly scores 1", () => {
    const [base, , tuned, tunedRag] = report.rows;
    expect(tuned.style.editSimilarity).toBe(1);
    expect(tuned.style.exactMatch).toBe(1);
    expect(tunedRag.style.exactMatch).toBe(1);
    expect(base.style.exactMatch).toBe(0);
    expect(base.style.editSimilarity).toBeLessThan(0.5);
    const kinds = Object.keys(tuned.style.byKind);
    expect(kinds.length).toBeGreaterThan(0);
  });

  it("gives RAG style prompts retrieved code from other files only, never the example's own", async () => {
    // Unfiltered, retrieval would hand the model the example's own file.
    const raw = await retriever.retrieve(examples[0].messages[1].content, { k: 12 });
    expect(raw.chunks.some((candidate) => examples[0].files.includes(candidate.chunk.path))).toBe(true);

    const chats = stub
      .requestsTo('/api/chat')
      .map((request) => request.body as { model: string; messages: Array<{ content: string }> });
    const exampleOf = (content: string) =>
      examples.find((candidate) => content.endsWith(candidate.messages[1].content));
    // Golden questions through the ask pipeline start the same way; style prompts end with the example's request.
    const withStyleContext = chats.filter(
      (chat) =>
        chat.messages.at(-1)!.content.startsWith('Context from the repository:') &&
        exampleOf(chat.messages.at(-1)!.content),
    );
    expect(withStyleContext.length).toBe(2 * examples.length);
    for (const chat of withStyleContext) {
      const last = chat.messages.at(-1)!.content;
      const blocks = parseContextBlocks(last);
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) expect(exampleOf(last)!.files).not.toContain(block.path);
    }
  });

  it('scores facts by citations into the expected files with RAG, by file mentions without', () => {
    const [base, baseRag, tuned, tunedRag] = report.rows;
    expect(baseRag.facts).toEqual({ questions: 2, hits: 2, hitRate: 1, measure: 'citation' });
    expect(tunedRag.facts).toEqual({ questions: 2, hits: 2, hitRate: 1, measure: 'citation' });
    // Without retrieval the stand-in says it has no context, naming no file.
    expect(base.facts).toEqual({ questions: 2, hits: 0, hitRate: 0, measure: 'path-mention' });
    expect(tuned.facts?.hits).toBe(0);
  });

  it('prints one table with a row per configuration', () => {
    const table = formatCompareTable(report).split('\n');
    expect(table[0]).toMatch(/^config\s+model\s+style n\s+edit sim\s+exact\s+facts n\s+file hits$/);
    expect(table.slice(2, 6).map((line) => line.split(/\s+/)[0])).toEqual(['base', 'base+RAG', 'tuned', 'tuned+RAG']);
    expect(table[4]).toContain('1.000');
    expect(table[4]).toContain('100.0%');
  });
});
