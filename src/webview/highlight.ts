/**
 * Syntax colours for code blocks in answers, from highlight.js's grammars (through lowlight, which
 * returns a tree instead of HTML). The tree is flattened to tokens, each with the highlight.js
 * scope it belongs to, so the webview builds spans with textContent and nothing in the code is
 * ever parsed as HTML. Tokens always concatenate back to the input.
 */
import type { Element, ElementContent } from 'hast';
import { common, createLowlight } from 'lowlight';

export interface Token {
  text: string;
  /** The innermost highlight.js scope (`keyword`, `string`, `title.function`, …); absent for plain text. */
  scope?: string;
}

const lowlight = createLowlight(common);

export function highlight(code: string, language: string): Token[] {
  if (!language || !lowlight.registered(language)) return code ? [{ text: code }] : [];
  const tokens: Token[] = [];
  const walk = (nodes: readonly ElementContent[], scope: string | undefined): void => {
    for (const node of nodes) {
      if (node.type === 'text') tokens.push(scope ? { text: node.value, scope } : { text: node.value });
      else if (node.type === 'element') walk(node.children, scopeOf(node) ?? scope);
    }
  };
  walk(lowlight.highlight(language, code).children as ElementContent[], undefined);
  return tokens;
}

/** `hljs-title function_` → `title.function`. */
function scopeOf(element: Element): string | undefined {
  const classes = element.properties.className;
  if (!Array.isArray(classes)) return undefined;
  const names = classes.map(String);
  const main = names.find((name) => name.startsWith('hljs-'));
  if (!main) return undefined;
  const sub = names.filter((name) => name.endsWith('_')).map((name) => name.replace(/_+$/, ''));
  return [main.slice(5), ...sub].join('.');
}
