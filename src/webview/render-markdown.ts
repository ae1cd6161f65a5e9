import { highlight } from './highlight';
import type { UiStrings } from '../shared/chat-protocol';
import type { Align, Block, Inline, ListItem } from './markdown';

/** What rendered content can ask for; the view turns these into messages to the extension. */
export interface RenderActions {
  openCitation(n: number): void;
  openLink(href: string): void;
  copy(code: string): void;
  insert(code: string): void;
  /** Whether citation n names a known source; unknown ones render as plain text. */
  hasSource(n: number): boolean;
  strings: UiStrings;
}

/**
 * Builds DOM from the parsed tree with a fixed set of tags; every piece of model text goes in
 * through textContent, so nothing in an answer can become markup, a handler or a script.
 */
export function renderBlocks(blocks: readonly Block[], actions: RenderActions): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const block of blocks) fragment.append(renderBlock(block, actions));
  return fragment;
}

function renderBlock(block: Block, actions: RenderActions): Node {
  switch (block.type) {
    case 'paragraph':
      return withInlines(el('p'), block.children, actions);
    case 'heading':
      return withInlines(el(`h${Math.min(6, Math.max(3, block.level + 2))}` as 'h3'), block.children, actions);
    case 'code':
      return renderCode(block.text, block.language, actions);
    case 'list': {
      const list = el(block.ordered ? 'ol' : 'ul');
      if (block.ordered && block.start !== 1) (list as HTMLOListElement).start = block.start;
      for (const item of block.items) list.append(renderItem(item, actions));
      return list;
    }
    case 'table':
      return renderTable(block.rows, block.align, actions);
    case 'quote': {
      const quote = el('blockquote');
      quote.append(renderBlocks(block.children, actions));
      return quote;
    }
    case 'rule':
      return el('hr');
  }
}

function withInlines<T extends HTMLElement>(parent: T, inlines: readonly Inline[], actions: RenderActions): T {
  for (const inline of inlines) parent.append(renderInline(inline, actions));
  return parent;
}

function renderInline(inline: Inline, actions: RenderActions): Node {
  switch (inline.type) {
    case 'text':
      return document.createTextNode(inline.text);
    case 'code':
      return text(el('code'), inline.text);
    case 'strong':
      return withInlines(el('strong'), inline.children, actions);
    case 'em':
      return withInlines(el('em'), inline.children, actions);
    case 'delete':
      return withInlines(el('del'), inline.children, actions);
    case 'break':
      return el('br');
    case 'link': {
      const link = withInlines(el('a'), inline.children, actions);
      link.href = inline.href;
      link.title = inline.href;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        actions.openLink(inline.href);
      });
      return link;
    }
    case 'citation': {
      if (!actions.hasSource(inline.n)) return document.createTextNode(`[${inline.n}]`);
      const link = text(el('a'), `[${inline.n}]`);
      link.className = 'citation';
      link.href = '#';
      link.dataset.n = String(inline.n);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        actions.openCitation(inline.n);
      });
      return link;
    }
  }
}

/** A list item: a task's box (read-only, it records what the model wrote), then its blocks. */
function renderItem(item: ListItem, actions: RenderActions): HTMLLIElement {
  const li = el('li');
  if (item.checked !== undefined) {
    li.className = 'task';
    const box = el('input');
    box.type = 'checkbox';
    box.checked = item.checked;
    box.disabled = true;
    li.append(box, ' ');
  }
  // A tight item's single paragraph reads as a line, not a spaced paragraph.
  const [first, ...rest] = item.children;
  if (first?.type === 'paragraph' && rest.every((child) => child.type !== 'paragraph')) {
    withInlines(li, first.children, actions);
    li.append(renderBlocks(rest, actions));
  } else {
    li.append(renderBlocks(item.children, actions));
  }
  return li;
}

/** A table in a scrolling box, so a wide one scrolls inside a narrow sidebar instead of being cut. */
function renderTable(rows: readonly Inline[][][], align: readonly Align[], actions: RenderActions): HTMLElement {
  const wrapper = el('div');
  wrapper.className = 'table-scroll';
  const table = el('table');
  rows.forEach((row, r) => {
    const tr = el('tr');
    row.forEach((cell, c) => {
      const td = withInlines(el(r === 0 ? 'th' : 'td'), cell, actions);
      if (align[c]) td.style.textAlign = align[c]!;
      tr.append(td);
    });
    (r === 0 ? table.createTHead() : (table.tBodies[0] ?? table.createTBody())).append(tr);
  });
  wrapper.append(table);
  return wrapper;
}

function renderCode(code: string, language: string, actions: RenderActions): HTMLElement {
  const wrapper = el('div');
  wrapper.className = 'code-block';
  const toolbar = el('div');
  toolbar.className = 'code-toolbar';
  toolbar.append(
    text(el('span'), language),
    button(actions.strings.copy, () => actions.copy(code)),
    button(actions.strings.insert, () => actions.insert(code)),
  );
  const body = el('code');
  for (const token of highlight(code, language)) {
    if (token.scope === undefined) {
      body.append(document.createTextNode(token.text));
    } else {
      const span = text(el('span'), token.text);
      // Scopes come from the grammar, never from the answer: `title.function` → hl-title hl-function.
      span.className = token.scope
        .split('.')
        .map((part) => `hl-${part}`)
        .join(' ');
      body.append(span);
    }
  }
  const pre = el('pre');
  pre.append(body);
  wrapper.append(toolbar, pre);
  return wrapper;
}

export function button(label: string, onClick: () => void): HTMLButtonElement {
  const element = text(el('button'), label);
  element.type = 'button';
  element.addEventListener('click', onClick);
  return element;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K] {
  return document.createElement(tag);
}

export function text<T extends HTMLElement>(element: T, content: string): T {
  element.textContent = content;
  return element;
}
