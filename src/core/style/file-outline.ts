import type { Node } from 'web-tree-sitter';

/** Top-level statements that bring names into a file, across the supported grammars. */
const IMPORT = new RegExp(
  '^(import_statement|import_from_statement|future_import_statement|import_declaration|' +
    'use_declaration|extern_crate_declaration|using_directive|package_clause|package_declaration)$',
);

/** Definitions whose first line says what a file offers. */
const DEFINITION = new RegExp(
  '^(function_declaration|generator_function_declaration|function_definition|function_item|' +
    'method_definition|method_declaration|constructor_declaration|method|singleton_method|' +
    'class_declaration|abstract_class_declaration|class_definition|class|module|interface_declaration|' +
    'type_alias_declaration|enum_declaration|struct_item|enum_item|trait_item|impl_item|' +
    'type_declaration)$',
);
/** Nodes that wrap a definition without being one. */
const WRAPPER = /^(export_statement|decorated_definition)$/;

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
    const definition = WRAPPER.test(node.type)
      ? node.namedChildren.find((child) => child && DEFINITION.test(child.type))
      : node;
    if (!definition || !DEFINITION.test(definition.type)) return;
    if (outside(definition)) outline.push(lines[definition.startPosition.row].trimEnd());
    // Members of a class (or impl, trait, module) one level down: the class's outline.
    if (depth === 0) {
      for (const member of definition.childForFieldName('body')?.namedChildren ?? []) if (member) visit(member, 1);
    }
  };

  for (const node of root.namedChildren) {
    if (!node) continue;
    if (IMPORT.test(node.type)) imports.push(...node.text.split('\n'));
    else visit(node, 0);
  }
  const parts = [imports.slice(0, MAX_IMPORT_LINES), outline.slice(0, MAX_OUTLINE_LINES)].filter(
    (part) => part.length > 0,
  );
  return parts.map((part) => part.join('\n')).join('\n\n');
}
