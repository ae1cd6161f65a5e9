import type { Node } from 'web-tree-sitter';
import { OUTLINE_DEFINITION, OUTLINE_IMPORT, OUTLINE_WRAPPER } from '../../languages/node-types';

const MAX_IMPORT_LINES = 20;
const MAX_OUTLINE_LINES = 30;

/**
 * What a reader sees of a file around one function: its imports, then the first line of every
 * other definition (members indented under their class), without bodies. Lines `exclude` covers
 * (0-based rows, the function itself) are left out.
 */
export function fileOutline(
  root: Node,
  lines: readonly string[],
  exclude: { startRow: number; endRow: number },
): string {
  const imports: string[] = [];
  const outline: string[] = [];
  // A class holding the function keeps its header line; only the function's own lines are left out.
  const outside = (node: Node) => node.startPosition.row < exclude.startRow || node.startPosition.row > exclude.endRow;

  const visit = (node: Node, depth: number) => {
    const definition = OUTLINE_WRAPPER.has(node.type)
      ? node.namedChildren.find((child) => child && OUTLINE_DEFINITION.has(child.type))
      : node;
    if (!definition || !OUTLINE_DEFINITION.has(definition.type)) return;
    if (outside(definition)) outline.push(lines[definition.startPosition.row].trimEnd());
    // Members of a class (or impl, trait, module) one level down: the class's outline.
    if (depth === 0) {
      for (const member of definition.childForFieldName('body')?.namedChildren ?? []) if (member) visit(member, 1);
    }
  };

  for (const node of root.namedChildren) {
    if (!node) continue;
    if (OUTLINE_IMPORT.has(node.type)) imports.push(...node.text.split('\n'));
    else visit(node, 0);
  }
  const parts = [imports.slice(0, MAX_IMPORT_LINES), outline.slice(0, MAX_OUTLINE_LINES)].filter(
    (part) => part.length > 0,
  );
  return parts.map((part) => part.join('\n')).join('\n\n');
}
