import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviseStyle, type StyleAdvice } from '../../src/core/style/advice/advise';
import type { CompareReport } from '../../src/core/style/compare/compare';
import { defaultAdapterName, isModelName } from '../../src/extension/style/adapter-name';
import { adviceMarkdown, compareMarkdown } from '../../src/extension/style/reports';
import { makeTempDir } from '../support/temp-dir';
import { makeStyleRepo } from '../style/style-fixture';

describe('the style advice document', () => {
  let cleanup: () => Promise<void>;
  let advice: StyleAdvice;

  beforeAll(async () => {
    const temp = await makeTempDir('reposage-advice-md-');
    cleanup = temp.cleanup;
    const root = path.join(temp.dir, 'tablekit');
    await fs.mkdir(root);
    await makeStyleRepo(root);
    // Stands in for a Python whose PyTorch sees no GPU, whatever this machine has.
    const python = path.join(temp.dir, 'python-without-cuda');
    await fs.writeFile(python, '#!/bin/sh\necho False\n', { mode: 0o755 });
    advice = await adviseStyle(root, { python });
  });
  afterAll(() => cleanup());

  it('leads with the verdict, then the evidence, the reasons and the questions only the user can answer', () => {
    const markdown = adviceMarkdown(advice, 'tablekit');
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual(['# Style adapter advice: tablekit', '## Evidence', '## Why', '## Only you can answer']);
    expect(advice.recommendation).toBe('rag-only');
    expect(markdown).toContain('**Keep answering from retrieval alone; a style adapter is not worth training now.**');
    expect(markdown).toContain(
      `- Style examples: ${advice.examples.total} (implement ${advice.examples.byKind.implement}, document ` +
        `${advice.examples.byKind.document}, commit ${advice.examples.byKind.commit}); 500 are needed.`,
    );
    expect(markdown).toMatch(/- Activity: \d+ commits touched \d+ files in the last 90 days/);
    for (const reason of advice.reasons) expect(markdown).toContain(`- ${reason}`);
    for (const question of advice.questionsForYou) expect(markdown).toContain(`- ${question}`);
  });
});

describe('the comparison document', () => {
  it('puts the table in a fenced block under a title naming both models', () => {
    const style = { examples: 12, editSimilarity: 0.41, exactMatch: 0, byKind: {} };
    const report: CompareReport = {
      rows: [
        { config: 'base', model: 'mistral:7b', rag: false, style },
        {
          config: 'tuned+RAG',
          model: 'shop-style',
          rag: true,
          style: { ...style, editSimilarity: 0.62 },
          facts: { questions: 10, hits: 7, hitRate: 0.7, measure: 'citation' },
        },
      ],
    };
    const lines = compareMarkdown(report, { base: 'mistral:7b', tuned: 'shop-style', folderName: 'shop' }).split('\n');
    expect(lines[0]).toBe('# Style comparison: shop-style against mistral:7b');
    const fence = lines.indexOf('```text');
    expect(lines[fence + 1]).toMatch(/^config\s+model\s+style n/);
    expect(lines.find((line) => line.startsWith('tuned+RAG'))).toMatch(/0\.620\s+0\.0%\s+10\s+70\.0% \(citation\)$/);
    expect(lines.lastIndexOf('```')).toBeGreaterThan(fence);
  });
});

describe('names for the new model', () => {
  it('offers <project>-style, made valid for Ollama', () => {
    expect(defaultAdapterName('shop')).toBe('shop-style');
    expect(defaultAdapterName('My Shop (2024)')).toBe('my-shop-2024-style');
    expect(defaultAdapterName('日本')).toBe('project-style');
    for (const name of ['shop-style', 'shop-style:v2', 'ada/shop_style.v1']) expect(isModelName(name), name).toBe(true);
    for (const name of ['', 'Shop', 'shop style', '-shop', 'shop:', 'a//b'])
      expect(isModelName(name), name).toBe(false);
  });
});
