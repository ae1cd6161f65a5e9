import { createHash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import { parseSource } from '../languages/parse';
import { grammarFor, languageForPath } from '../languages/registry';
import { throwIfCancelled } from '../errors';
import { readTextFile, walkWorkspace } from '../files';
import type { CompletionRequest } from './types';

/** A function whose body was blanked out: the model is asked to write it back. */
export interface QualityCase {
  id: string;
  request: CompletionRequest;
  /** The body as it was, from the cursor on (its first line without the indentation already typed). */
  expected: string;
}

export interface CaseOptions {
  root: string;
  /** Folder with the tree-sitter grammars, when not in node_modules. */
  wasmDir?: string;
  /** At most this many cases, a deterministic sample (default 50). */
  limit?: number;
  /** Bodies of this many lines (default 2 to 12): one-liners test little, long ones nobody expects. */
  minLines?: number;
  maxLines?: number;
  signal?: AbortSignal;
}

const PARSE_TIMEOUT_MS = 5000;
const FUNCTION_TYPE = /^(function_definition|function_declaration|method_definition|method_declaration|function_item)$/;

/** Held-out completion tasks from a repository: each function body of a suitable size, blanked. */
export async function heldOutCases(options: CaseOptions): Promise<QualityCase[]> {
  const { minLines = 2, maxLines = 12, signal } = options;
  const walk = await walkWorkspace(options.root, {}, signal);
  const cases: QualityCase[] = [];
  for (const file of walk.files) {
    throwIfCancelled(signal);
    const grammar = grammarFor(languageForPath(file.path) ?? '');
    if (!grammar) continue;
    const read = await readTextFile(file.absolutePath);
    if (!('text' in read)) continue;
    const text = read.text;
    const parsed = await parseSource(text, grammar, { wasmDir: options.wasmDir, timeoutMs: PARSE_TIMEOUT_MS });
    if ('failed' in parsed) continue;
    const bodies = bodiesOf(parsed.tree.rootNode);
    parsed.tree.delete();
    for (const body of bodies) {
      if (body.lastRow - body.firstRow + 1 < minLines || body.lastRow - body.firstRow + 1 > maxLines) continue;
      cases.push(blankOut(file.path, text, body));
    }
  }
  return sample(cases, options.limit ?? 50);
}

interface BodyRows {
  name: string;
  /** 0-based rows of the body's own lines (without a brace line). */
  firstRow: number;
  lastRow: number;
}

function bodiesOf(root: Node): BodyRows[] {
  const found: BodyRows[] = [];
  const visit = (node: Node) => {
    const body = FUNCTION_TYPE.test(node.type) ? node.childForFieldName('body') : null;
    if (body) {
      const name = node.childForFieldName('name')?.text ?? '(anonymous)';
      // Python's block starts on the line after the colon; a brace block starts on the header line.
      const braced = body.startPosition.row === node.startPosition.row || body.text.startsWith('{');
      const firstRow = braced ? body.startPosition.row + 1 : body.startPosition.row;
      const lastRow = braced ? body.endPosition.row - 1 : body.endPosition.row;
      if (lastRow >= firstRow) found.push({ name, firstRow, lastRow });
    }
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(root);
  return found;
}

/** The file with the body's lines replaced by one indented blank line holding the cursor. */
function blankOut(filePath: string, text: string, body: BodyRows): QualityCase {
  const lines = text.split('\n');
  const bodyLines = lines.slice(body.firstRow, body.lastRow + 1);
  const indent = /^\s*/.exec(bodyLines[0])?.[0] ?? '';
  const before = lines.slice(0, body.firstRow).join('\n');
  const after = lines.slice(body.lastRow + 1).join('\n');
  const blanked = `${before}\n${indent}\n${after}`;
  const offset = before.length + 1 + indent.length;
  return {
    id: `${filePath}#${body.name}:${body.firstRow + 1}`,
    request: { path: filePath, text: blanked, offset },
    expected: bodyLines.join('\n').slice(indent.length).trimEnd(),
  };
}

/** The same repository always gives the same sample: ordered by a hash of each id. */
function sample(cases: QualityCase[], limit: number): QualityCase[] {
  const hash = (id: string) => createHash('sha256').update(id).digest('hex');
  return cases
    .map((c) => ({ c, h: hash(c.id) }))
    .sort((a, b) => (a.h < b.h ? -1 : 1))
    .slice(0, limit)
    .map(({ c }) => c);
}
