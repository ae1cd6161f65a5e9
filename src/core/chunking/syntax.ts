import type { Node } from 'web-tree-sitter';
import { clip } from './pieces';
import { CALL_WRAPPERS, DECLARATION_KINDS, DECLARATION_WRAPPERS, FUNCTION_VALUES } from '../languages/node-types';

/** A node that declares something, as found through wrappers like `export` or decorators. */
export interface Declaration {
  node: Node;
  kind: string;
  name?: string;
}

/** Kinds whose members are named `Outer.member` and whose functions are methods. */
export const TYPE_KINDS = new Set(['class', 'interface', 'trait', 'struct', 'enum', 'impl', 'namespace']);

export function declarationIn(node: Node): Declaration | undefined {
  const kind = DECLARATION_KINDS[node.type] ?? computedKind(node);
  if (kind) return { node, kind, name: nameOf(node) };
  if (!DECLARATION_WRAPPERS.has(node.type)) return undefined;
  for (const child of node.namedChildren) {
    const found = child && declarationIn(child);
    if (found) return found;
  }
  return undefined;
}

/** Kinds that depend on what is declared: `const f = () => {}` is a function, `type T struct` a struct. */
function computedKind(node: Node): string | undefined {
  if (node.type === 'variable_declarator') {
    // `const { a, b } = require('x')` names nothing worth searching for.
    if (node.childForFieldName('name')?.type !== 'identifier') return undefined;
    const value = node.childForFieldName('value')?.type;
    if (value && FUNCTION_VALUES.has(value)) return 'function';
    return value === 'class' ? 'class' : 'variable';
  }
  if (node.type === 'type_spec') {
    const type = node.childForFieldName('type')?.type;
    return type === 'struct_type' ? 'struct' : type === 'interface_type' ? 'interface' : 'type';
  }
  return undefined;
}

function nameOf(node: Node): string | undefined {
  switch (node.type) {
    case 'impl_item':
      // `impl<T> Display for Ring<T>` is Ring.
      return node.childForFieldName('type')?.text.replace(/<[\s\S]*$/, '');
    case 'method_declaration': {
      // Go: `func (s *Server) Start()` is Server.Start.
      const receiver = node.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
      const name = node.childForFieldName('name')?.text;
      return receiver && name ? `${receiver}.${name}` : name;
    }
    case 'rule_set':
    case 'media_statement':
    case 'keyframes_statement':
    case 'supports_statement': {
      const brace = node.text.indexOf('{');
      return clip(brace < 0 ? node.text : node.text.slice(0, brace), 80);
    }
    case 'section':
      return node.namedChildren.find((child) => child?.type === 'section_name')?.text.replace(/^\[|\]\s*$/g, '');
  }
  const named =
    node.childForFieldName('name') ??
    declaratorName(node) ??
    node.namedChildren.find((child) => child?.type === 'function_name' || child?.type === 'simple_name');
  return named ? clip(named.text, 80) : undefined;
}

/** C, C++ and Java hide the name in nested declarators: `int *(*f)(void)`, `int x = 1;`. */
function declaratorName(node: Node): Node | undefined {
  let current = node.childForFieldName('declarator');
  while (current?.childForFieldName('declarator')) current = current.childForFieldName('declarator');
  // Java's `int x = 1` declares `x`; C++'s `K::m` keeps its qualifier.
  return (current?.type === 'variable_declarator' ? current.childForFieldName('name') : current) ?? undefined;
}

/** A declaration's name and the row its name is on. */
export interface Definition {
  row: number;
  /** Qualified by the types it sits in (`Session.send`), as chunk symbols are. */
  name: string;
}

/**
 * Every named declaration in a tree, outer ones first; variables count only outside functions (a
 * function's locals are its statements, not definitions anyone asks for by name).
 */
export function definitionsIn(root: Node): Definition[] {
  const found: Definition[] = [];
  const visit = (node: Node, outer: { symbol?: string; kind?: string }) => {
    const kind = DECLARATION_KINDS[node.type] ?? computedKind(node);
    let inner = outer;
    if (kind && !(kind === 'variable' && outer.kind !== undefined && !TYPE_KINDS.has(outer.kind))) {
      const name = nameOf(node);
      const named = name ? qualify({ node, kind, name }, outer) : undefined;
      if (named?.symbol) {
        found.push({ row: (node.childForFieldName('name') ?? node).startPosition.row, name: named.symbol });
        inner = named;
      }
    }
    for (const child of node.namedChildren) if (child) visit(child, inner);
  };
  visit(root, {});
  return found;
}

/** How a declaration nested in another is called and what it is. */
export function qualify(
  inner: Declaration,
  outer: { symbol?: string; kind?: string },
): { symbol?: string; kind: string } {
  const insideType = outer.kind !== undefined && TYPE_KINDS.has(outer.kind);
  const kind = insideType && inner.kind === 'function' ? 'method' : inner.kind;
  const symbol = inner.name && outer.symbol && !inner.name.includes('.') ? `${outer.symbol}.${inner.name}` : inner.name;
  return { symbol, kind };
}

/**
 * The node whose children are the parts of a declaration: a class's members, a function's
 * statements. Nodes without a body field count if they hold declarations directly.
 */
export function bodyOf(node: Node): Node | undefined {
  if (node.type === 'variable_declarator') {
    const value = node.childForFieldName('value');
    return value ? bodyOf(value) : undefined;
  }
  if (node.type === 'type_spec') {
    const type = node.childForFieldName('type');
    return type?.namedChildren.find((child) => child?.type === 'field_declaration_list') ?? type ?? undefined;
  }
  const body = node.childForFieldName('body');
  if (body) return body;
  if (CALL_WRAPPERS.has(node.type)) {
    const callback = node.lastNamedChild;
    return callback && callback.endPosition.row > callback.startPosition.row ? bodyOf(callback) : undefined;
  }
  return node.namedChildren.some((child) => child && declarationIn(child)) ? node : undefined;
}

/** Comments and attributes belong to the declaration right below them. */
export function attachesForward(node: Node): boolean {
  return node.type.includes('comment') || node.type === 'attribute_item' || node.type === 'decorator';
}

/** The line that names a declaration, e.g. `export class Foo extends Bar {`, for headers. */
export function signatureOf(node: Node, lines: readonly string[]): string {
  const row = (node.childForFieldName('name') ?? node).startPosition.row;
  return clip(lines[row]);
}
