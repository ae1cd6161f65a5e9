import { estimateTokens } from '../chat/budget';
import { commentFor, languageForPath } from '../languages/registry';
import { type CursorView, countNewlines } from './cursor';
import type { ContextItem } from './types';

/** The most of the prompt the text before and after the cursor may take; context gets the rest. */
const PREFIX_SHARE = 0.5;
const SUFFIX_SHARE = 0.15;

export interface PackInput {
  /** Workspace-relative path of the current file. */
  path: string;
  /** VS Code language id; undefined for an unknown file type. */
  language: string | undefined;
  view: CursorView;
  /** Context worth showing, most useful first. */
  candidates: readonly ContextItem[];
  /** Hard limit on the estimated tokens of prompt and suffix together. */
  maxPromptTokens: number;
}

/** What goes to Ollama's /api/generate: `prompt` (context, then the text before the cursor) and `suffix`. */
export interface PackedPrompt {
  prompt: string;
  suffix: string;
  /** The context items that fit, most useful first. */
  context: ContextItem[];
  promptTokens: number;
}

/**
 * Lays out a fill-in-the-middle prompt within the budget: the lines nearest the cursor, then as much
 * context as fits. Each piece is headed by a path comment in its language's comment syntax, the way
 * code models saw repository files in training; the most useful piece sits nearest the cursor.
 */
export function packPrompt(input: PackInput): PackedPrompt {
  const { view, maxPromptTokens } = input;
  const prefix = lastLinesWithin(view.prefix, Math.floor(maxPromptTokens * PREFIX_SHARE));
  const suffix = firstLinesWithin(view.suffix, Math.floor(maxPromptTokens * SUFFIX_SHARE));
  const fileHeader = `${pathComment(input.path, input.language)}\n`;
  // Lines of the current file the model sees anyway (1-based); context from there would repeat them.
  const shownFrom = view.line + 1 - countNewlines(prefix);
  const shownTo = view.line + 1 + countNewlines(suffix);
  let left = maxPromptTokens - estimateTokens(fileHeader + prefix) - estimateTokens(suffix);
  const chosen: Array<{ item: ContextItem; block: string }> = [];
  for (const item of input.candidates) {
    if (item.path === input.path && overlaps(item, shownFrom, shownTo)) continue;
    if (chosen.some(({ item: taken }) => taken.path === item.path && overlaps(item, taken.startLine, taken.endLine)))
      continue;
    const block = `${pathComment(item.path, languageOfItem(item, input))}\n${item.text.trimEnd()}\n\n`;
    const cost = estimateTokens(block);
    if (cost > left) continue;
    chosen.push({ item, block });
    left -= cost;
  }
  const prompt =
    [...chosen]
      .reverse()
      .map(({ block }) => block)
      .join('') +
    fileHeader +
    prefix;
  return {
    prompt,
    suffix,
    context: chosen.map(({ item }) => item),
    promptTokens: estimateTokens(prompt) + estimateTokens(suffix),
  };
}

function languageOfItem(item: ContextItem, input: PackInput): string | undefined {
  return item.path === input.path ? input.language : languageForPath(item.path);
}

/** Formats without line comments that do have block comments. */
const MARKUP = new Set(['html', 'xml', 'markdown', 'vue', 'svelte']);

/** `// Path: src/a.ts`, `# Path: app/models.py`, `<!-- Path: README.md -->`; `//` where a format has no comments. */
function pathComment(path: string, language: string | undefined): string {
  if (language && MARKUP.has(language)) return `<!-- Path: ${path} -->`;
  return `${(language && commentFor(language)) ?? '//'} Path: ${path}`;
}

function overlaps(item: Pick<ContextItem, 'startLine' | 'endLine'>, from: number, to: number): boolean {
  return item.startLine <= to && from <= item.endLine;
}

/** The whole lines at the end of `text` that fit in `tokens`; of an overlong cursor line, its end. */
function lastLinesWithin(text: string, tokens: number): string {
  const lines = text.split('\n');
  let start = lines.length - 1;
  let used = estimateTokens(lines[start]);
  if (used > tokens) return lines[start].slice(lines[start].length - charsWithin(lines[start], tokens));
  while (start > 0 && used + estimateTokens(lines[start - 1]) + 1 <= tokens) used += estimateTokens(lines[--start]) + 1;
  return lines.slice(start).join('\n');
}

/** The whole lines at the start of `text` that fit in `tokens`; of an overlong cursor line, its start. */
function firstLinesWithin(text: string, tokens: number): string {
  const lines = text.split('\n');
  let end = 1;
  let used = estimateTokens(lines[0]);
  if (used > tokens) return lines[0].slice(0, charsWithin(lines[0], tokens));
  while (end < lines.length && used + estimateTokens(lines[end]) + 1 <= tokens)
    used += estimateTokens(lines[end++]) + 1;
  return lines.slice(0, end).join('\n');
}

/** How many characters of `line` fit in `tokens` (a minified line can be larger than the whole budget). */
function charsWithin(line: string, tokens: number): number {
  return Math.floor((line.length * tokens) / estimateTokens(line));
}
