import type { Node, Tree } from 'web-tree-sitter';
import { NAME_TYPES, NAMED_DEFINITION_TYPE } from '../languages/node-types';

/** How far around the cursor a name counts as "used near the cursor". */
const LINES_BEFORE = 8;
const LINES_AFTER = 2;
/** Each name costs a look-up and context tokens; the nearest few matter. */
const MAX_NAMES = 12;
/** Past this many mentions a name is too common to be worth finding its definition in the file. */
const MAX_MENTIONS = 200;
/** A long class is shown by its first lines: the signature and the start of its body. */
const MAX_DEFINITION_LINES = 40;

export interface LocalDefinition {
  name: string;
  /** 1-based, inclusive, capped at MAX_DEFINITION_LINES. */
  startLine: number;
  endLine: number;
  text: string;
}

export interface CursorSymbols {
  /** Names used around the cursor, nearest first, then the names the file imports. */
  names: string[];
  /** Where the current file itself defines those names. */
  definitions: LocalDefinition[];
}

/** What the syntax tree says about the names the code at the cursor depends on. */
export function symbolsNearCursor(tree: Tree, text: string, cursorRow: number): CursorSymbols {
  const root = tree.rootNode;
  const around = root
    .descendantsOfType(
      NAME_TYPES,
      { row: Math.max(0, cursorRow - LINES_BEFORE), column: 0 },
      { row: cursorRow + LINES_AFTER + 1, column: 0 },
    )
    .filter((node): node is Node => node !== null)
    .sort((a, b) => Math.abs(a.startPosition.row - cursorRow) - Math.abs(b.startPosition.row - cursorRow));
  const names = unique([...around.map((node) => node.text), ...importedNames(root)])
    .filter((name) => name.length > 1)
    .slice(0, MAX_NAMES);
  const lines = text.split('\n');
  const definitions = names
    .flatMap((name) => definitionsOf(root, text, name))
    .map((range) => ({
      ...range,
      text: lines.slice(range.startLine - 1, range.endLine).join('\n'),
    }));
  return { names, definitions };
}

/** Names bound by the file's top-level imports (`import`, `from … import`, `use`, `require`). */
function importedNames(root: Node): string[] {
  return root.namedChildren
    .filter((node): node is Node => node !== null && /import|use_declaration|require/.test(node.type))
    .flatMap((node) => node.descendantsOfType(NAME_TYPES).filter((name): name is Node => name !== null))
    .map((node) => node.text);
}

/** Definitions of `name` in the tree, found from its mentions in the text (cheaper than a full walk). */
function definitionsOf(root: Node, text: string, name: string): Array<Omit<LocalDefinition, 'text'>> {
  const found: Array<Omit<LocalDefinition, 'text'>> = [];
  const mention = new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`, 'g');
  let mentions = 0;
  for (const match of text.matchAll(mention)) {
    if (++mentions > MAX_MENTIONS) break;
    const node = root.descendantForIndex(match.index, match.index + name.length);
    const owner = node?.parent;
    const named = owner?.childForFieldName('name');
    if (!owner || !named || named.startIndex !== node.startIndex || !NAMED_DEFINITION_TYPE.test(owner.type)) continue;
    const startLine = owner.startPosition.row + 1;
    found.push({ name, startLine, endLine: Math.min(owner.endPosition.row + 1, startLine + MAX_DEFINITION_LINES - 1) });
  }
  return found;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
