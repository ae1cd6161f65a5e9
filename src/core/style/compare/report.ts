import type { CompareReport } from './compare';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The comparison as one table for a terminal, with what each column measures underneath. */
export function formatCompareTable(report: CompareReport): string {
  const header = ['config', 'model', 'style n', 'edit sim', 'exact', 'facts n', 'file hits'];
  const rows = report.rows.map((row) => [
    row.config,
    row.model,
    String(row.style.examples),
    row.style.examples > 0 ? row.style.editSimilarity.toFixed(3) : '-',
    row.style.examples > 0 ? percent(row.style.exactMatch) : '-',
    row.facts ? String(row.facts.questions) : '-',
    row.facts ? `${percent(row.facts.hitRate)} (${row.facts.measure})` : '-',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    "style: validation examples; edit sim = 1 - edit distance / length against the project's own code, doc " +
      'or message; exact = identical.',
    'file hits: golden questions whose answer cites a block from an expected file (RAG rows), or names an ' +
      'expected file (rows without RAG).',
  ].join('\n');
}
