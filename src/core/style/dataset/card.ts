import { type StyleDataset, countsByKind } from './export';
import { EXAMPLE_KINDS, type ExampleKind } from '../types';

const KIND_TITLES: Record<ExampleKind, string> = {
  implement: 'Implement a function (signature, doc summary, file outline → the function)',
  document: 'Document a function (code → its doc comment)',
  commit: 'Commit message (diff → message)',
};

/** The README.md of an exported dataset: what is in it, where it came from, and what was left out. */
export function formatDatasetCard(dataset: StyleDataset, now: Date): string {
  const counts = countsByKind(dataset);
  const commit = dataset.git?.head
    ? `\`${dataset.git.head}\`${dataset.git.dirty ? ' (with uncommitted changes)' : ''}`
    : 'not a git repository';
  const rows = EXAMPLE_KINDS.map(
    (kind) => `| ${KIND_TITLES[kind]} | ${counts[kind].train} | ${counts[kind].validation} |`,
  );
  const dropped = Object.entries(dataset.dropped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `- ${reason}: ${count}`);
  const excluded = dataset.excludedFiles.map((file) => `- \`${file.path}\` (${file.reason})`);
  return [
    `# Style dataset: ${dataset.projectName}`,
    '',
    `Exported by RepoSage on ${now.toISOString()} from ${dataset.projectName} at commit ${commit}.`,
    '',
    'It teaches a model how this project writes code, documentation comments and commit messages.',
    'It is not a source of facts: versions, settings and data files were left out, and answers',
    'about the code must still come from retrieval over the current code.',
    '',
    '## Contents',
    '',
    '| Kind | train | validation |',
    '| --- | ---: | ---: |',
    ...rows,
    `| **Total** | **${dataset.splits.train.length}** | **${dataset.splits.validation.length}** |`,
    '',
    `Sources: ${dataset.sources.files} source files with documented functions, ${dataset.sources.commits} commits.`,
    `Each example is at most about ${dataset.maxTokens} tokens (estimated at 3.5 characters per token).`,
    '',
    '## Files',
    '',
    "- `train.jsonl`, `validation.jsonl`: one conversation per line in TRL's conversational format,",
    '  `{"messages": [{"role": "system", ...}, {"role": "user", ...}, {"role": "assistant", ...}]}`.',
    "- `train.meta.jsonl`, `validation.meta.jsonl`: line for line, each example's kind and source files.",
    '',
    'The split is by file (a hash of its path, about 9 in 10 to train): all examples showing a',
    "file's code are on the same side, and a commit is in validation when it shows a validation file.",
    '',
    '## Left out',
    '',
    ...(dropped.length > 0 ? dropped : ['- nothing']),
    `- secrets replaced with a placeholder: ${dataset.secretsScrubbed}`,
    ...(excluded.length > 0 ? ['', 'Files not used (generated, minified or vendored code):', '', ...excluded] : []),
    ...(dataset.warnings.length > 0
      ? ['', '## Warnings', '', ...dataset.warnings.map((warning) => `- ${warning}`)]
      : []),
    '',
  ].join('\n');
}
