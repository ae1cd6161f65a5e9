import type { StyleAdvice, StyleRecommendation } from '../../core/style/advice/advise';
import type { CompareReport } from '../../core/style/compare/compare';
import { formatCompareTable } from '../../core/style/compare/report';
import { EXAMPLE_KINDS } from '../../core/style/types';

const RECOMMENDATION: Record<StyleRecommendation, string> = {
  'rag-only': 'Keep answering from retrieval alone; a style adapter is not worth training now.',
  'rag-plus-adapter': 'Answer from retrieval, and train a style adapter for how answers and code are written.',
};

/** The style advice as a markdown document: the verdict, the evidence, the reasons, the open questions. */
export function adviceMarkdown(advice: StyleAdvice, folderName: string): string {
  const { examples, activity } = advice;
  const kinds = EXAMPLE_KINDS.map((kind) => `${kind} ${examples.byKind[kind]}`).join(', ');
  return [
    `# Style adapter advice: ${folderName}`,
    '',
    `**${RECOMMENDATION[advice.recommendation]}**`,
    '',
    '## Evidence',
    '',
    activity
      ? `- Activity: ${activity.commits} commits touched ${activity.filesTouched} files in the last ` +
        `${activity.days} days${activity.lastCommitDate ? ` (last on ${activity.lastCommitDate})` : ''}.`
      : '- Activity: no git history.',
    `- Style examples: ${examples.total} (${kinds}); ${examples.threshold} are needed.`,
    `- GPU: ${advice.gpu.detail}`,
    '',
    '## Why',
    '',
    ...advice.reasons.map((reason) => `- ${reason}`),
    '',
    '## Only you can answer',
    '',
    ...advice.questionsForYou.map((question) => `- ${question}`),
    '',
  ].join('\n');
}

/** The four-way comparison as a markdown document: the table as the CLI prints it, under a title. */
export function compareMarkdown(
  report: CompareReport,
  models: { base: string; tuned: string; folderName: string },
): string {
  return [
    `# Style comparison: ${models.tuned} against ${models.base}`,
    '',
    `Folder: ${models.folderName}. RAG rows retrieve from its index.`,
    '',
    '```text',
    formatCompareTable(report),
    '```',
    '',
  ].join('\n');
}
