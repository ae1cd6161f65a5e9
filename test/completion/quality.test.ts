import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeywordIndex } from '../../src/core/completion/keyword-index';
import { editSimilarity, evaluateCompletionQuality } from '../../src/core/completion/quality';
import { heldOutCases, type QualityCase } from '../../src/core/completion/quality-cases';
import { OllamaClient } from '../../src/core/ollama';
import type { ChunkStore } from '../../src/core/store/chunk-store';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { indexedFixture } from './repo-fixture';

describe('completion quality harness', () => {
  let fixture: Awaited<ReturnType<typeof indexedFixture>>;
  let store: ChunkStore;
  let stub: OllamaStub;
  let cases: QualityCase[];

  beforeAll(async () => {
    fixture = await indexedFixture();
    const opened = await openKeywordIndex(fixture.dbDir);
    if (!opened.store) throw new Error(opened.unavailable);
    store = opened.store;
    cases = await heldOutCases({ root: fixture.root });
    // A model that writes the body back only when the prompt carries context from another file.
    stub = await startOllamaStub({
      respond: (request) => {
        if (request.endpoint !== 'generate') return '';
        const task = cases.find((c) => request.prompt.endsWith(c.request.text.slice(0, c.request.offset)));
        const withContext = request.prompt.split('Path: ').length > 2;
        return task && withContext ? task.expected : 'pass';
      },
    });
  });
  afterAll(async () => {
    await stub?.close();
    store?.close();
    await fixture?.cleanup();
  });

  it('blanks out function bodies of a suitable size, the cursor where the body was', () => {
    expect(cases.map((c) => c.id).sort()).toEqual([
      'app/stats.py#mean:2',
      'app/stats.py#spread:7',
      'src/geometry.ts#distanceBetween:8',
      'src/legs.ts#routeLegs:5',
      'src/route.ts#routeLength:4',
    ]);
    const mean = cases.find((c) => c.id === 'app/stats.py#mean:2')!;
    expect(mean.expected).toBe('"""Arithmetic mean of a non-empty list."""\n    return sum(values) / len(values)');
    expect(mean.request.text.slice(0, mean.request.offset)).toBe('def mean(values):\n    ');
    expect(mean.request.text.slice(mean.request.offset)).toMatch(/^\n\n\ndef spread\(values\):/);
  });

  it('scores the suggestions with and without repository context', async () => {
    const report = await evaluateCompletionQuality({
      cases,
      ollama: new OllamaClient({ host: stub.url }),
      model: 'qwen2.5-coder:1.5b-base',
      index: store,
    });

    expect(report.withoutContext).toMatchObject({ cases: 5, exactMatch: 0, contextItems: 0, empty: 0 });
    expect(report.withContext.cases).toBe(5);
    expect(report.withContext.contextItems).toBeGreaterThan(0);
    expect(report.withContext.exactMatch).toBeGreaterThan(0.5);
    expect(report.withContext.editSimilarity).toBeGreaterThan(report.withoutContext.editSimilarity);
  });

  it('measures edit similarity from 0 to 1', () => {
    expect(editSimilarity('return a + b', 'return a + b')).toBe(1);
    expect(editSimilarity('abcd', 'abxd')).toBe(0.75);
    expect(editSimilarity('', 'abc')).toBe(0);
    expect(editSimilarity('', '')).toBe(1);
  });
});
