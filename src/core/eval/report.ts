import type { RetrievalMode, StageTiming } from '../retrieval/types';
import type { EvalReport, Latency, ModeReport, QualityMetrics } from './evaluate';

const STAGES: ReadonlyArray<StageTiming['stage']> = ['embed', 'dense', 'bm25', 'fusion', 'rerank'];

type Table = { header: string[]; rows: string[][] };

/** Modes side by side, one metric per row, as aligned plain text for a terminal. */
export function formatReportTable(report: EvalReport): string {
  const tables = reportTables(report);
  const all = [tables.quality, tables.fileLevel, tables.latency];
  const widths = all[0].header.map((_, column) =>
    Math.max(...all.flatMap((t) => [t.header, ...t.rows]).map((row) => row[column].length)),
  );
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const block = (title: string, table: Table) => [title, line(table.header), ...table.rows.map(line)].join('\n');
  return [
    `${report.questions} questions, top ${report.k} results per query`,
    block('\nchunk level (file level where the golden set gives no lines)', tables.quality),
    block('\nfile level', tables.fileLevel),
    block('\nlatency', tables.latency),
  ].join('\n');
}

/** The same figures as a markdown document. */
export function formatReportMarkdown(report: EvalReport, title = 'Retrieval evaluation'): string {
  const tables = reportTables(report);
  const markdown = ({ header, rows }: Table) =>
    [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
  return [
    `# ${title}`,
    '',
    `${report.questions} questions, top ${report.k} results per query.`,
    'A hit is a result overlapping the expected lines (chunk level) or, where the golden set gives only a ' +
      'path, a result in that file.',
    '',
    '## Recall@k by mode',
    '',
    '```text',
    recallChart(report),
    '```',
    '',
    '## Quality (chunk level)',
    '',
    markdown(tables.quality),
    '',
    '## Quality (file level)',
    '',
    markdown(tables.fileLevel),
    '',
    '## Latency',
    '',
    'Stages of one query overlap (BM25 runs while the query is embedded), so they need not add up to the total.',
    '',
    markdown(tables.latency),
    '',
  ].join('\n');
}

/** Characters of a full bar (recall 1.0) in the chart. */
const BAR_WIDTH = 20;

/**
 * Recall at each cut-off, one bar per mode: which mode finds the answer, and how deep it must look,
 * at a glance. Plain text, so it reads the same in a terminal, a preview and on a code host.
 */
export function recallChart(report: EvalReport): string {
  const modes = Object.keys(report.modes) as RetrievalMode[];
  const figures = modes.map((mode) => report.modes[mode] as ModeReport);
  if (figures.length === 0) return '';
  const cutoffs = qualityNames(figures[0]).filter((name) => name.startsWith('recall@'));
  const labelWidth = Math.max(...cutoffs.map((name) => name.length));
  const modeWidth = Math.max(...modes.map((mode) => mode.length));
  return cutoffs
    .flatMap((name) =>
      modes.map((mode, i) => {
        const value = figures[i][name];
        const filled = Math.round(Math.min(1, Math.max(0, value)) * BAR_WIDTH);
        const label = i === 0 ? name : '';
        return (
          `${label.padEnd(labelWidth)}  ${mode.padEnd(modeWidth)}  ` +
          `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}  ${value.toFixed(3)}`
        );
      }),
    )
    .join('\n');
}

function reportTables(report: EvalReport): { quality: Table; fileLevel: Table; latency: Table } {
  const modes = Object.keys(report.modes) as RetrievalMode[];
  const figures = modes.map((mode) => report.modes[mode] as ModeReport);
  const header = ['metric', ...modes];
  const metricNames = figures.length > 0 ? qualityNames(figures[0]) : [];
  const qualityTable = (pick: (figures: ModeReport) => QualityMetrics): Table => ({
    header,
    rows: metricNames.map((name) => [name, ...figures.map((f) => pick(f)[name].toFixed(3))]),
  });
  const latencyRow = (name: string, pick: (figures: ModeReport) => Latency | undefined, which: keyof Latency) => [
    `${name} ${which.replace('_ms', '')} ms`,
    ...figures.map((f) => formatMs(pick(f)?.[which])),
  ];
  const stages = STAGES.filter((stage) => figures.some((f) => f.stages[stage]));
  return {
    quality: qualityTable((f) => f),
    fileLevel: qualityTable((f) => f.file_level),
    latency: {
      header,
      rows: [
        latencyRow('total', (f) => f, 'p50_ms'),
        latencyRow('total', (f) => f, 'p95_ms'),
        ...stages.flatMap((stage) => [
          latencyRow(stage, (f) => f.stages[stage], 'p50_ms'),
          latencyRow(stage, (f) => f.stages[stage], 'p95_ms'),
        ]),
      ],
    },
  };
}

function qualityNames(figures: ModeReport): Array<keyof QualityMetrics> {
  const recall = Object.keys(figures)
    .filter((key): key is `recall@${number}` => key.startsWith('recall@'))
    .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  return [...recall, 'mrr@10', 'ndcg@10'];
}

function formatMs(ms: number | undefined): string {
  return ms === undefined ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}
