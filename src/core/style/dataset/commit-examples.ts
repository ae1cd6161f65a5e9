import path from 'node:path';
import { looksMinified } from '../../files/sniff';
import { readCommitPatches } from '../git';
import { commitPrompt } from './prompts';
import { scrubSecrets } from './scrub-secrets';
import { isGeneratedFile } from '../../files/file-origin';
import { isStyleSourcePath } from './source-filter';
import type { DropReason, StyleExample } from '../types';

export interface CommitExampleOptions {
  systemPrompt: string;
  /** The newest this many commits are read. */
  limit: number;
  /** The diff shown in a prompt is cut to about this many characters. */
  maxDiffChars: number;
  signal?: AbortSignal;
}

export interface CommitExamples {
  examples: StyleExample[];
  /** Commits read from history, before any were dropped. */
  commits: number;
  dropped: Partial<Record<DropReason, number>>;
  secretsScrubbed: number;
}

/** A diff longer than this per file says nothing more about the message that describes it. */
const MAX_LINES_PER_FILE = 200;

/** Messages that describe nothing: a model learns no style from "wip" or "fix". */
const TRIVIAL_SUBJECT = new RegExp(
  '^(wip|init|initial commit|first commit|updates?|updated|fix(es|ed)?|minor( changes| fixes)?|' +
    String.raw`typos?|changes|cleanup|temp|tmp|tests?|misc|stuff|save|[.\-_]+)\.?$`,
  'i',
);
/** Messages git or a tool wrote: reverts, fixups, merges. */
const TOOL_SUBJECT = /^(revert "|fixup! |squash! |amend! |merge (branch|pull request|remote-tracking) )/i;
/** Release and dependency bumps are about versions, which are facts, not style. */
const VERSION_SUBJECT =
  /^(v?\d+\.\d+(\.\d+)?\b|bump\b|release\b|(chore|build)\((release|deps?)\)|prepare (for )?release|version\b)/i;

/** Diff → commit message examples from the repository's history, newest first. */
export async function commitExamples(root: string, options: CommitExampleOptions): Promise<CommitExamples> {
  const result: CommitExamples = { examples: [], commits: 0, dropped: {}, secretsScrubbed: 0 };
  const drop = (reason: DropReason) => (result.dropped[reason] = (result.dropped[reason] ?? 0) + 1);
  const patches = readCommitPatches(root, {
    limit: options.limit,
    maxLinesPerFile: MAX_LINES_PER_FILE,
    signal: options.signal,
  });
  for await (const patch of patches) {
    result.commits++;
    const subject = patch.message.split('\n')[0].trim();
    if (subject.length < 8 || TRIVIAL_SUBJECT.test(subject) || TOOL_SUBJECT.test(subject)) {
      drop('trivial-message');
      continue;
    }
    if (VERSION_SUBJECT.test(subject)) {
      drop('factual');
      continue;
    }
    const code = patch.files.filter(isHandWrittenCode);
    if (code.length === 0) {
      drop('no-code');
      continue;
    }
    const capped = capDiff(
      code.map((file) => file.diff),
      options.maxDiffChars,
    );
    const diff = scrubSecrets(capped.text);
    const message = scrubSecrets(patch.message);
    result.secretsScrubbed += diff.count + message.count;
    result.examples.push({
      kind: 'commit',
      source: `commit:${patch.hash}`,
      files: code.slice(0, capped.shown).map((file) => file.path),
      messages: [
        { role: 'system', content: options.systemPrompt },
        { role: 'user', content: commitPrompt(diff.text) },
        { role: 'assistant', content: message.text },
      ],
    });
  }
  return result;
}

/** A changed file whose diff can show the project's own style. */
function isHandWrittenCode(file: { path: string; diff: string }): boolean {
  return (
    isStyleSourcePath(file.path) &&
    !isGeneratedFile(file.path, fileHead(file.diff)) &&
    !looksMinified(path.posix.basename(file.path), file.diff) &&
    !/^Binary files /m.test(file.diff)
  );
}

/** The file's first lines as the change leaves them, when a hunk starts at line 1; else nothing. */
function fileHead(diff: string): string {
  const hunk = /^@@ -\d+(?:,\d+)? \+1(?:,\d+)? @@.*\n((?:[ +\-\\].*(?:\n|$))*)/m.exec(diff);
  if (!hunk) return '';
  return hunk[1]
    .split('\n')
    .filter((line) => line.startsWith(' ') || line.startsWith('+'))
    .map((line) => line.slice(1))
    .join('\n');
}

/** Whole file sections while they fit, then a note of how many were left out; `shown` counts the sections kept. */
function capDiff(sections: string[], maxChars: number): { text: string; shown: number } {
  const kept: string[] = [];
  let used = 0;
  for (const section of sections) {
    const room = maxChars - used;
    if (section.length <= room) {
      kept.push(section);
      used += section.length + 1;
    } else {
      // The first file always shows, cut to the limit, so every example has some code.
      if (kept.length === 0)
        kept.push(`${section.slice(0, Math.max(0, room)).replace(/\n[^\n]*$/, '')}\n... (diff cut)`);
      break;
    }
  }
  const left = sections.length - kept.length;
  const text = left > 0 ? `${kept.join('\n')}\n... (${left} more files changed)` : kept.join('\n');
  return { text, shown: kept.length };
}
