import { describe, expect, it } from 'vitest';
import type { EvalReport, ModeReport } from '../../src/core/eval/evaluate';
import { formatReportMarkdown, recallChart } from '../../src/core/eval/report';

function mode(recall: [number, number, number, number]): ModeReport {
  const quality = {
    'recall@1': recall[0],
    'recall@5': recall[1],
    'recall@10': recall[2],
    'recall@20': recall[3],
    'mrr@10': 0.5,
    'ndcg@10': 0.6,
  };
  return { ...quality, p50_ms: 12, p95_ms: 30, stages: {}, file_level: quality };
}

const report: EvalReport = {
  questions: 4,
  k: 20,
  modes: { bm25: mode([0.25, 0.5, 0.5, 0.75]), hybrid: mode([0.5, 1, 1, 1]) },
};

describe('the evaluation report', () => {
  it('draws recall at each cut-off as one bar per mode, as long as the figure', () => {
    const lines = recallChart(report).split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/^recall@1 {3}bm25 {4}█{5}░{15} {2}0\.250$/);
    expect(lines[1]).toMatch(/^ {11}hybrid {2}█{10}░{10} {2}0\.500$/);
    expect(lines[3]).toMatch(/^ +hybrid +█{20} +1\.000$/);
    expect(lines[6]).toMatch(/^recall@20 +bm25 +█{15}░{5} +0\.750$/);
  });

  it('puts the chart in the markdown report, in a text block, above the tables', () => {
    const markdown = formatReportMarkdown(report, 'Retrieval evaluation: golden.jsonl on inventory');
    const chart = markdown.indexOf('## Recall@k by mode\n\n```text\nrecall@1');
    expect(chart).toBeGreaterThan(0);
    expect(chart).toBeLessThan(markdown.indexOf('| metric | bm25 | hybrid |'));
    expect(markdown).toContain('| recall@5 | 0.500 | 1.000 |');
  });
});
