/**
 * Model answers parsed as GitHub-flavoured Markdown (micromark + mdast: tables, nested and task
 * lists, strikethrough, autolinks) and narrowed to a small data tree the webview renders with fixed
 * tags and textContent. Nothing here is HTML: raw HTML in an answer becomes text, images become
 * their alt text (no remote content), links survive only with an http(s) target, and `[n]` in
 * prose becomes a citation by the grammar the CLI uses too. An unclosed fence (an answer still
 * streaming) runs to the end, as CommonMark says.
 */
import type { Nodes, PhrasingContent, RootContent, TableRow } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { citationAt } from '../shared/citation-grammar';

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em' | 'delete'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'citation'; n: number }
  | { type: 'break' };

export interface ListItem {
  /** A task list item's box: true ticked, false empty; absent for a plain item. */
  checked?: boolean;
  children: Block[];
}

export type Align = 'left' | 'right' | 'center' | null;

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'code'; language: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: ListItem[] }
  | { type: 'quote'; children: Block[] }
  /** The first row is the header. */
  | { type: 'table'; align: Align[]; rows: Inline[][][] }
  | { type: 'rule' };

const SAFE_URL = /^https?:\/\/[^\s<>"]+$/i;

export function parseMarkdown(source: string): Block[] {
  const tree = fromMarkdown(source, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  return blocks(tree.children);
}

/** One line of inline Markdown (a table cell, a heading), as the answer's prose would read it. */
export function parseInline(source: string): Inline[] {
  const [first] = parseMarkdown(source);
  return first?.type === 'paragraph' || first?.type === 'heading' ? first.children : [];
}

function blocks(nodes: readonly RootContent[]): Block[] {
  return nodes.flatMap(block);
}

function block(node: RootContent): Block[] {
  switch (node.type) {
    case 'paragraph':
      return [{ type: 'paragraph', children: inlines(node.children) }];
    case 'heading':
      return [{ type: 'heading', level: node.depth, children: inlines(node.children) }];
    case 'code':
      return [{ type: 'code', language: (node.lang ?? '').toLowerCase(), text: node.value }];
    case 'list':
      return [
        {
          type: 'list',
          ordered: node.ordered === true,
          start: node.start ?? 1,
          items: node.children.map((item) => ({
            ...(typeof item.checked === 'boolean' ? { checked: item.checked } : {}),
            children: blocks(item.children),
          })),
        },
      ];
    case 'blockquote':
      return [{ type: 'quote', children: blocks(node.children) }];
    case 'table':
      return [
        {
          type: 'table',
          align: node.align ?? [],
          rows: node.children.map((row: TableRow) => row.children.map((cell) => inlines(cell.children))),
        },
      ];
    case 'thematicBreak':
      return [{ type: 'rule' }];
    case 'html':
      return [{ type: 'paragraph', children: withCitations(node.value) }];
    default:
      // Definitions, footnotes and anything newer: their words, as text.
      return 'children' in node
        ? blocks(node.children as RootContent[])
        : 'value' in node
          ? [{ type: 'paragraph', children: withCitations(String(node.value)) }]
          : [];
  }
}

function inlines(nodes: readonly PhrasingContent[]): Inline[] {
  return merge(nodes.flatMap(inline));
}

function inline(node: PhrasingContent): Inline[] {
  switch (node.type) {
    case 'text':
      return withCitations(node.value);
    case 'inlineCode':
      return [{ type: 'code', text: node.value }];
    case 'strong':
      return [{ type: 'strong', children: inlines(node.children) }];
    case 'emphasis':
      return [{ type: 'em', children: inlines(node.children) }];
    case 'delete':
      return [{ type: 'delete', children: inlines(node.children) }];
    case 'break':
      return [{ type: 'break' }];
    case 'link': {
      const children = inlines(node.children);
      // A link the webview must not follow keeps its words.
      return SAFE_URL.test(node.url) ? [{ type: 'link', href: node.url, children }] : children;
    }
    case 'image':
      return node.alt ? [{ type: 'text', text: node.alt }] : [];
    case 'html':
      return [{ type: 'text', text: node.value }];
    default:
      return textOf(node);
  }
}

/** Any other node (a reference link without its definition, a footnote): its words, as text. */
function textOf(node: Nodes): Inline[] {
  if ('value' in node && typeof node.value === 'string') return withCitations(node.value);
  if ('children' in node) return (node.children as PhrasingContent[]).flatMap(inline);
  return [];
}

/** Prose with its `[n]` citations split out. */
function withCitations(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  for (let i = 0; i < text.length; ) {
    const citation = text[i] === '[' ? citationAt(text, i) : undefined;
    if (citation) {
      if (plain) out.push({ type: 'text', text: plain });
      plain = '';
      for (const n of citation.numbers) out.push({ type: 'citation', n });
      i += citation.length;
    } else {
      plain += text[i++];
    }
  }
  if (plain) out.push({ type: 'text', text: plain });
  return out;
}

/** Adjacent text pieces as one, so that a citation split across mdast text nodes is still found. */
function merge(pieces: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const piece of pieces) {
    const last = out.at(-1);
    if (piece.type === 'text' && last?.type === 'text')
      out[out.length - 1] = { type: 'text', text: last.text + piece.text };
    else out.push(piece);
  }
  return out.flatMap((piece) => (piece.type === 'text' ? withCitations(piece.text) : [piece]));
}
