import type { Node, Tree } from 'web-tree-sitter';
import { groupNeighbours, type TokenBudget } from './budget';
import { rowsPiece, type Piece } from './pieces';
import { attachesForward, bodyOf, declarationIn, qualify, signatureOf, TYPE_KINDS, type Declaration } from './syntax';
import { splitRows } from './text-splitter';

/**
 * A run of whole rows that starts at a declaration (with the comments above it) or a loose
 * statement. Units partition their container: each runs to the row before the next one starts,
 * so every line of the file lands in exactly one unit.
 */
interface Unit {
  startRow: number;
  endRow: number;
  /** The first syntax node in the unit that is not a comment. */
  node?: Node;
  decl?: Declaration;
  symbol?: string;
  kind?: string;
  /** A declaration, or the head of a split one: its name counts when units merge. */
  named: boolean;
  /** The rows of a split declaration above its first member: they show the signature themselves. */
  head?: boolean;
  /** Only comments or attributes so far: the next node directly below joins this unit. */
  attaching?: boolean;
}

/** Where units sit: the header lines their chunks get and the declaration they are part of. */
interface Scope {
  context: readonly string[];
  symbol?: string;
  kind?: string;
}

/** Most names listed as a merged chunk's symbol. */
const MAX_SYMBOLS = 8;

/**
 * Chunks a parsed file by declarations. Returns undefined when the tree is too broken to trust
 * (more than half the file inside top-level syntax errors); the caller then splits it as text.
 */
export function chunkSyntaxTree(tree: Tree, budget: TokenBudget): Piece[] | undefined {
  const root = tree.rootNode;
  // PowerShell wraps a whole script in one statement list.
  const nodes = root.children.flatMap((child) => (child?.type === 'statement_list' ? child.children : [child]));
  const errorRows = nodes
    .filter((node): node is Node => node?.type === 'ERROR')
    .reduce((rows, node) => rows + lastRow(node) - node.startPosition.row + 1, 0);
  if (root.type === 'ERROR' || errorRows > budget.lines.length / 2) return undefined;

  const scope: Scope = { context: [], kind: 'module' };
  const units = buildUnits(nodes, undefined, -1, scope, budget.lines.length - 1);
  return chunkUnits(units, scope, budget);
}

/**
 * Units from a container's children. Anonymous tokens (`}`, `;`) never start a unit; a node on a
 * row the previous unit already reaches joins it; comments join the declaration right below them.
 */
function buildUnits(children: ReadonlyArray<Node | null>, first: Unit | undefined, firstEnd: number, scope: Scope, endRow: number): Unit[] {
  const units: Unit[] = first ? [first] : [];
  let current = first;
  let reached = firstEnd;
  for (const node of children) {
    if (!node || !node.isNamed || node.startIndex === node.endIndex) continue;
    const start = node.startPosition.row;
    const attaching = attachesForward(node);
    const joins = current && (start <= reached || (current.attaching && start === reached + 1));
    if (!joins) {
      current = { startRow: start, endRow: start, named: false, attaching };
      units.push(current);
    }
    if (current && !current.node && !current.head && !attaching) {
      current.node = node;
      current.attaching = false;
    }
    reached = Math.max(reached, lastRow(node));
  }
  units.forEach((unit, i) => {
    unit.endRow = i + 1 < units.length ? units[i + 1].startRow - 1 : endRow;
    if (unit.head) return;
    const decl = unit.node && declarationIn(unit.node);
    // Variables inside a function or callback are its statements, not declarations of their own.
    unit.decl = decl?.kind === 'variable' && isNested(scope) && !TYPE_KINDS.has(scope.kind ?? '') ? undefined : decl;
    const naming = unit.decl ? qualify(unit.decl, scope) : { symbol: scope.symbol, kind: scope.kind };
    Object.assign(unit, naming, { named: unit.decl !== undefined });
  });
  return units;
}

/** Merges small neighbours into chunks; units too large for one chunk are split. */
function chunkUnits(units: Unit[], scope: Scope, budget: TokenBudget): Piece[] {
  const limit = budget.contentBudget(scope.context);
  const size = (unit: Unit) => budget.rows(unit.startRow, unit.endRow);
  return groupNeighbours(units, size, () => limit, (unit) => !unit.named).flatMap((group) => {
    if (group.length === 1 && size(group[0]) > limit) return splitUnit(group[0], scope, budget);
    // The head of a split declaration shows its own signature; it needs no `in:` line.
    const context = group[0].head ? scope.context.slice(0, -1) : scope.context;
    const piece = rowsPiece(budget.lines, group[0].startRow, group[group.length - 1].endRow, { context, ...label(group, scope) });
    return piece ? [piece] : [];
  });
}

/**
 * A declaration too large for one chunk becomes its members (a class's methods, a function's
 * statements), each chunk headed by the declaration's signature; without members, it is split by lines.
 */
function splitUnit(unit: Unit, scope: Scope, budget: TokenBudget): Piece[] {
  const node = unit.decl?.node ?? unit.node;
  const body = node && bodyOf(node);
  if (node && body) {
    const inner: Scope = { context: [...scope.context, `in: ${signatureOf(node, budget.lines)}`], symbol: unit.symbol, kind: unit.kind };
    const members = memberUnits(unit, body, inner);
    if (members.length > 1) return chunkUnits(members, inner, budget);
  }
  // Pieces after the first repeat the declaration's signature, so each says what it is part of.
  const later = unit.decl ? [...scope.context, `in: ${signatureOf(unit.decl.node, budget.lines)}`] : scope.context;
  return splitRows(budget, unit.startRow, unit.endRow, {
    budget: budget.contentBudget(later),
    overlap: 0,
    label: { context: scope.context, symbol: unit.symbol, kind: unit.kind },
    laterContext: later,
  });
}

/** The head (signature up to the opening brace or colon), then one unit per member. */
function memberUnits(unit: Unit, body: Node, inner: Scope): Unit[] {
  const opening = body.firstChild;
  // `{` sits on the head's last row; a Python block starts at its first statement.
  const headEnd = Math.max(unit.startRow, opening && !opening.isNamed ? opening.startPosition.row : body.startPosition.row - 1);
  const head: Unit = { startRow: unit.startRow, endRow: headEnd, symbol: unit.symbol, kind: unit.kind, named: true, head: true };
  return buildUnits(body.children, head, headEnd, inner, unit.endRow);
}

/**
 * One declaration names the chunk; several are listed, with their kind if they share one. The
 * head of a split declaration names the chunks it starts: they show that declaration's signature.
 */
function label(group: Unit[], scope: Scope): { symbol?: string; kind?: string } {
  const named = group[0].head ? [group[0]] : group.filter((unit) => unit.named);
  if (named.length === 0) return { symbol: scope.symbol, kind: scope.kind };
  if (named.length === 1) return { symbol: named[0].symbol, kind: named[0].kind };
  const symbols = [...new Set(named.map((unit) => unit.symbol).filter((symbol) => symbol !== undefined))];
  const kinds = new Set(named.map((unit) => unit.kind));
  return {
    symbol: symbols.length > MAX_SYMBOLS ? `${symbols.slice(0, MAX_SYMBOLS).join(', ')}, …` : symbols.join(', ') || undefined,
    kind: kinds.size === 1 ? named[0].kind : 'declarations',
  };
}

/** Inside a split declaration or call: every level adds its signature to the context. */
function isNested(scope: Scope): boolean {
  return scope.context.length > 0;
}

/** The last row a node has text on (some grammars end a node at column 0 of the next row). */
function lastRow(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}
