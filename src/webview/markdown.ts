/**
 * A small Markdown parser for model answers that produces a plain data tree, never HTML. The
 * webview turns the tree into DOM nodes with fixed tags and textContent, so raw HTML in an answer
 * shows as text, and links survive only with an http(s) target. Covers what chat answers use:
 * paragraphs, headings, fenced code, lists, quotes, rules, emphasis, inline code, links and [n]
 * citations. An unclosed fence (an answer still streaming) runs to the end.
 */
import { citationAt } from '../core/chat/citation-grammar';

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'citation'; n: number };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'code'; language: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const SAFE_URL = /^https?:\/\/[^\s<>"]+$/i;

export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, '\n').split('\n'));
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const current = lines[i];
    if (current.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(current);
    if (fence) {
      const marker = fence[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i], marker)) body.push(lines[i++]);
      i++;
      blocks.push({ type: 'code', language: fence[2].toLowerCase(), text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(current);
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1].length, children: parseInline(heading[2]) });
      i++;
      continue;
    }
    if (RULE.test(current)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(current)) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) quoted.push(lines[i++].replace(QUOTE, ''));
      blocks.push({ type: 'quote', children: parseBlocks(quoted) });
      continue;
    }
    const item = LIST_ITEM.exec(current);
    if (item) {
      const ordered = /\d/.test(item[2]);
      const items: string[] = [];
      while (i < lines.length) {
        const next = LIST_ITEM.exec(lines[i]);
        if (next && /\d/.test(next[2]) === ordered) {
          items.push(next[3]);
        } else if (items.length > 0 && lines[i].trim() !== '' && /^\s/.test(lines[i]) && !FENCE.test(lines[i])) {
          items[items.length - 1] += ` ${lines[i].trim()}`;
        } else {
          break;
        }
        i++;
      }
      blocks.push({ type: 'list', ordered, start: ordered ? parseInt(item[2], 10) : 1, items: items.map(parseInline) });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && !startsBlock(lines[i])) paragraph.push(lines[i++].trim());
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join(' ')) });
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

function isClosingFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed[0] === marker[0] && /^(`+|~+)$/.test(trimmed);
}

/** Inline spans, scanned left to right; anything that does not close is kept as literal text. */
export function parseInline(source: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const ch = source[i];

    if (ch === '\\' && /^\\[!-/:-@[-`{-~]/.test(rest)) {
      plain += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(rest)![0];
      const end = source.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        out.push({ type: 'code', text: source.slice(i + run.length, end) });
        i = end + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if (ch === '[') {
      const citation = citationAt(source, i);
      if (citation) {
        flush();
        for (const n of citation.numbers) out.push({ type: 'citation', n });
        i += citation.length;
        continue;
      }
      // The target may hold one level of balanced parentheses, as Wikipedia-style URLs do.
      const link = /^\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s<>]*\))*)>?(?:\s+"[^"]*")?\s*\)/.exec(rest);
      if (link) {
        flush();
        const children = parseInline(link[1]);
        // Any scheme other than http(s) (javascript:, data:, command:, file:) keeps only its text.
        if (SAFE_URL.test(link[2])) out.push({ type: 'link', href: link[2], children });
        else out.push(...children);
        i += link[0].length;
        continue;
      }
    }
    if (ch === '<') {
      const auto = /^<([^\s<>]+)>/.exec(rest);
      if (auto && SAFE_URL.test(auto[1])) {
        flush();
        out.push({ type: 'link', href: auto[1], children: [{ type: 'text', text: auto[1] }] });
        i += auto[0].length;
        continue;
      }
    }
    if (ch === '*' || ch === '_') {
      const span = emphasis(source, i);
      if (span) {
        flush();
        out.push(span.node);
        i = span.end;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  flush();
  return out;
}

/** `**strong**`, `*em*` (and the `_` forms, which must not sit inside a word, as in snake_case). */
function emphasis(source: string, start: number): { node: Inline; end: number } | undefined {
  const ch = source[start];
  if (ch === '_' && start > 0 && /\w/.test(source[start - 1])) return undefined;
  const double = source[start + 1] === ch;
  const marker = double ? ch + ch : ch;
  const open = start + marker.length;
  if (open >= source.length || /\s/.test(source[open])) return undefined;
  // A closing marker follows a non-space; a lone `*` must not be half of a `**`.
  const closes = (at: number) => !/\s/.test(source[at - 1]) && (double || (source[at + 1] !== ch && source[at - 1] !== ch));
  let close = source.indexOf(marker, open + 1);
  while (close > 0 && !closes(close)) close = source.indexOf(marker, close + 1);
  if (close < 0) return undefined;
  if (ch === '_' && /\w/.test(source[close + marker.length] ?? '')) return undefined;
  const children = parseInline(source.slice(open, close));
  return { node: double ? { type: 'strong', children } : { type: 'em', children }, end: close + marker.length };
}
