import type { Node } from 'web-tree-sitter';
import { BETWEEN_DOC_AND_DEFINITION, COMMENT_TYPES, DOC_WRAPPERS } from '../languages/node-types';
import { type DocumentedKind, docStyle, documentedDefinitions } from '../languages/registry';

/** A function, method or class with a doc comment, as found in a syntax tree. */
export interface DocumentedSymbol {
  name: string;
  kind: DocumentedKind;
  /** 1-based, inclusive: the whole definition, decorators and attributes included, its doc comment not. */
  startLine: number;
  endLine: number;
  /** Where the class's own description ends (its docstring, else its first line); functions: endLine. */
  headEndLine: number;
  /** The doc comment or docstring as written, markers included. */
  doc: string;
  /** 1-based, inclusive: where the doc comment or docstring is. */
  docStartLine: number;
  docEndLine: number;
}

export function supportsGrammar(grammar: string): boolean {
  return documentedDefinitions(grammar) !== undefined;
}

/** Every documented definition in the tree, in source order. */
export function documentedSymbols(root: Node, grammar: string): DocumentedSymbol[] {
  const definitions = documentedDefinitions(grammar);
  if (!definitions) return [];
  const found: DocumentedSymbol[] = [];
  const visit = (node: Node) => {
    const kind = definitions[node.type];
    const symbol = kind && describe(node, kind, grammar);
    if (symbol) found.push(symbol);
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(root);
  return found;
}

function describe(node: Node, kind: DocumentedKind, grammar: string): DocumentedSymbol | undefined {
  const name = node.childForFieldName('name')?.text;
  if (!name) return undefined;
  // `const f = () => ...` is a function only when its value is one.
  if (
    node.type === 'variable_declarator' &&
    !/^(arrow_function|function_expression|function)$/.test(node.childForFieldName('value')?.type ?? '')
  ) {
    return undefined;
  }
  const outer = outermost(node);
  const startLine = outer.startPosition.row + 1;
  const endLine = node.endPosition.row + 1;
  if (docStyle(grammar) === 'docstring') {
    const docstring = pythonDocstring(node);
    if (!docstring) return undefined;
    const docEndLine = docstring.endPosition.row + 1;
    return {
      name,
      kind,
      startLine,
      endLine,
      headEndLine: kind === 'class' ? docEndLine : endLine,
      doc: docstring.text,
      docStartLine: docstring.startPosition.row + 1,
      docEndLine,
    };
  }
  const comments = leadingComments(outer, grammar);
  if (!comments) return undefined;
  return {
    name,
    kind,
    startLine,
    endLine,
    headEndLine: kind === 'class' ? node.startPosition.row + 1 : endLine,
    doc: comments.map((comment) => comment.text).join('\n'),
    docStartLine: comments[0].startPosition.row + 1,
    docEndLine: comments[comments.length - 1].endPosition.row + 1,
  };
}

/** The node that carries the definition's decorators, export keyword or declaration list. */
function outermost(node: Node): Node {
  let current = node;
  while (current.parent && DOC_WRAPPERS.has(current.parent.type)) current = current.parent;
  return current;
}

function pythonDocstring(node: Node): Node | undefined {
  const first = node.childForFieldName('body')?.firstNamedChild;
  const string = first?.type === 'expression_statement' ? first.firstNamedChild : undefined;
  return string?.type === 'string' ? string : undefined;
}

/** The comments directly above the node (decorators and attributes may sit between), top first. */
function leadingComments(node: Node, grammar: string): Node[] | undefined {
  let previous = node.previousNamedSibling;
  let top = node;
  while (previous && BETWEEN_DOC_AND_DEFINITION.has(previous.type)) {
    top = previous;
    previous = previous.previousNamedSibling;
  }
  const comments: Node[] = [];
  while (previous && COMMENT_TYPES.has(previous.type) && previous.endPosition.row >= top.startPosition.row - 1) {
    comments.unshift(previous);
    top = previous;
    previous = previous.previousNamedSibling;
  }
  if (comments.length === 0) return undefined;
  if (docStyle(grammar) === 'marked-comment' && !/^\s*(\/\*\*|\/\/\/)/.test(comments[0].text)) return undefined;
  return comments;
}
