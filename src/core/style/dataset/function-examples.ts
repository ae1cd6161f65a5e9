import type { Node } from 'web-tree-sitter';
import { questionFromDoc } from '../../eval/doc-question';
import { type DocumentedSymbol, documentedSymbols } from '../../eval/documented-symbols';
import { dedent, fenced } from '../code-text';
import { fileOutline } from './file-outline';
import { documentPrompt, implementPrompt } from './prompts';
import { scrubSecrets } from './scrub-secrets';
import { isFactualCode } from './source-filter';
import type { DropReason, StyleExample } from '../types';
import { docStyle, fenceFor } from '../../languages/registry';

export interface SourceFile {
  /** Workspace-relative, POSIX separators. */
  path: string;
  text: string;
  /** The tree-sitter grammar it was parsed with (python, typescript, …). */
  grammar: string;
}

export interface FunctionExamples {
  examples: StyleExample[];
  dropped: Partial<Record<DropReason, number>>;
  secretsScrubbed: number;
}

/**
 * Two examples per documented function: implement it (signature, doc summary and the file around
 * it → the function as the project wrote it) and document it (the code → the project's doc
 * comment). Functions without a usable summary, or whose code is a fact (a version, a table of
 * values), give none.
 */
export function functionExamples(file: SourceFile, root: Node, systemPrompt: string): FunctionExamples {
  const result: FunctionExamples = { examples: [], dropped: {}, secretsScrubbed: 0 };
  const drop = (reason: DropReason) => (result.dropped[reason] = (result.dropped[reason] ?? 0) + 1);
  const lines = file.text.split(/\r?\n/);
  const language = fenceFor(file.grammar);
  const system = { role: 'system' as const, content: systemPrompt };
  const scrub = (text: string) => {
    const scrubbed = scrubSecrets(text);
    result.secretsScrubbed += scrubbed.count;
    return scrubbed.text;
  };

  for (const symbol of documentedSymbols(root, file.grammar)) {
    if (symbol.kind !== 'function') continue;
    const definition = findDefinition(root, symbol);
    const body = definition && findBody(definition);
    if (!definition || !body) continue;
    const summary = docSummary(symbol.doc);
    if (!summary) {
      drop('no-summary');
      continue;
    }
    const parts = functionParts(file, lines, symbol, definition, body);
    if (isFactualCode(parts.codeWithoutDoc)) {
      drop('factual');
      continue;
    }
    const context = fileOutline(root, lines, { startRow: symbol.startLine - 1, endRow: symbol.endLine - 1 });
    const implement = implementPrompt({ path: file.path, language, context, signature: parts.signature, summary });
    const place = { source: file.path, files: [file.path], line: symbol.startLine };
    result.examples.push(
      {
        kind: 'implement',
        ...place,
        messages: [
          system,
          { role: 'user', content: scrub(implement) },
          { role: 'assistant', content: scrub(fenced(parts.withDoc, language)) },
        ],
      },
      {
        kind: 'document',
        ...place,
        messages: [
          system,
          { role: 'user', content: scrub(documentPrompt(file.path, language, parts.codeWithoutDoc)) },
          { role: 'assistant', content: scrub(fenced(parts.doc, language)) },
        ],
      },
    );
  }
  return result;
}

interface FunctionParts {
  /** Everything before the body: decorators, modifiers, name, parameters, return type. */
  signature: string;
  /** The doc comment or docstring, indented as in the file relative to the function. */
  doc: string;
  /** The function with its doc comment, as the file has it. */
  withDoc: string;
  /** The function with its doc comment taken out. */
  codeWithoutDoc: string;
}

function functionParts(
  file: SourceFile,
  lines: string[],
  symbol: DocumentedSymbol,
  definition: Node,
  body: Node,
): FunctionParts {
  const indent = /^[ \t]*/.exec(lines[symbol.startLine - 1])![0];
  const code = lines.slice(symbol.startLine - 1, symbol.endLine).join('\n');
  // A docstring sits inside the function rather than above it.
  const inside = docStyle(file.grammar) === 'docstring';
  // Node texts keep the file's line endings; the lines above do not.
  const docText = symbol.doc.replace(/\r\n/g, '\n');
  // The body is the definition's last part, so its last occurrence in the text is the body itself.
  const signatureText = definition.text
    .slice(0, definition.text.lastIndexOf(body.text))
    .trimEnd()
    .replace(/\r\n/g, '\n');
  const signature = dedent(indent + signatureText);
  // A docstring is indented like the body; the text of its first line is not, its other lines are.
  const doc = dedent((inside ? indentBefore(code, docText) : indent) + docText);
  if (inside) {
    return { signature, doc, withDoc: dedent(code), codeWithoutDoc: dedent(removeFirst(code, docText)) };
  }
  return { signature, doc, withDoc: dedent(`${indent}${docText}\n${code}`), codeWithoutDoc: dedent(code) };
}

/** The whitespace before `part` on its line in `text`. */
function indentBefore(text: string, part: string): string {
  const at = text.indexOf(part);
  if (at === -1) return '';
  return /[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', at) + 1, at))![0];
}

/** The text with `part` taken out, and the line it sat on too when nothing else was on it. */
function removeFirst(text: string, part: string): string {
  const at = text.indexOf(part);
  if (at === -1) return text;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const lineEnd = text.indexOf('\n', at + part.length);
  const end = lineEnd === -1 ? text.length : lineEnd;
  const aloneOnLine = text.slice(lineStart, at).trim() === '' && text.slice(at + part.length, end).trim() === '';
  return aloneOnLine
    ? text.slice(0, lineStart) + text.slice(end + 1)
    : text.slice(0, at) + text.slice(at + part.length);
}

/** Nodes around a definition that belong to it: `export`, decorators, `const f = …`. */
const WRAPPER = /^(export_statement|decorated_definition|lexical_declaration|variable_declaration)$/;

/**
 * The outermost node spanning exactly the symbol's lines that is the definition or a wrapper of it
 * (a class body holding only this method spans the same lines, but is neither).
 */
function findDefinition(root: Node, symbol: DocumentedSymbol): Node | undefined {
  const startRow = symbol.startLine - 1;
  const endRow = symbol.endLine - 1;
  let node: Node | undefined = root;
  while (node) {
    const exact = node.startPosition.row === startRow && node.endPosition.row === endRow;
    if (exact && (WRAPPER.test(node.type) || node.childForFieldName('body'))) return node;
    node =
      node.namedChildren.find(
        (child) => child !== null && child.startPosition.row <= startRow && child.endPosition.row >= endRow,
      ) ?? undefined;
  }
  return undefined;
}

/** The function's body, the first `body` field found going down from the definition. */
function findBody(definition: Node): Node | undefined {
  const queue: Node[] = [definition];
  while (queue.length > 0) {
    const node = queue.shift()!;
    const body = node.childForFieldName('body');
    if (body) return body;
    for (const child of node.namedChildren) if (child) queue.push(child);
  }
  return undefined;
}

/**
 * The doc's summary sentence as plain text, or undefined when it says too little. That is what
 * questionFromDoc makes of a doc when there is no name to take out of it.
 */
function docSummary(doc: string): string | undefined {
  return questionFromDoc(doc, '');
}
