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
  /** A declaration: its name counts when units merge. */
  named: boolean;
  /**
   * The first member of a split declaration, which also holds that declaration's signature rows
   * (a signature alone would be a chunk with no body): chunks starting with it are named after it.
   */
  head?: { symbol?: string; kind?: string };
  /** How many enclosing declarations' signatures the unit's rows show (they need no `in:` line). */
  shows?: number;
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
  const units = buildUnits(nodes, scope, budget.lines.length - 1);
  return chunkUnits(units, scope, budget);
}

/**
 * Units from a container's children. Anonymous tokens (`}`, `;`) never start a unit; a node on a
 * row the previous unit already reaches joins it; comments join the declaration right below them.
 */
function buildUnits(children: ReadonlyArray<Node | null>, scope: Scope, endRow: number): Unit[] {
  const units: Unit[] = [];
  let current: Unit | undefined;
  let reached = -1;
  for (const node of children) {
    if (!node?.isNamed || node.startIndex === node.endIndex) continue;
    const start = node.startPosition.row;
    const attaching = attachesForward(node);
    const joins = current && (start <= reached || (current.attaching && start === reached + 1));
    if (!joins) {
      current = { startRow: start, endRow: start, named: false, attaching };
      units.push(current);
    }
    if (current && !current.node && !attaching) {
      current.node = node;
      current.attaching = false;
    }
    reached = Math.max(reached, lastRow(node));
  }
  units.forEach((unit, i) => {
    unit.endRow = i + 1 < units.length ? units[i + 1].startRow - 1 : endRow;
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
  return groupNeighbours(
    units,
    size,
    () => limit,
    (unit) => !unit.named,
  ).flatMap((group) => {
    if (group.length === 1 && size(group[0]) > limit) return splitUnit(group[0], scope, budget);
    const piece = rowsPiece(budget.lines, group[0].startRow, group[group.length - 1].endRow, {
      context: contextOf(group[0], scope),
      ...label(group, scope),
    });
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
    const inner: Scope = {
      context: [...scope.context, `in: ${signatureOf(node, budget.lines)}`],
      symbol: unit.symbol,
      kind: unit.kind,
    };
    const members = memberUnits(unit, body, inner, budget);
    if (members.length > 0) return chunkUnits(members, inner, budget);
  }
  // Pieces after the first repeat the declaration's signature, so each says what it is part of.
  const later = unit.decl ? [...scope.context, `in: ${signatureOf(unit.decl.node, budget.lines)}`] : scope.context;
  return splitRows(budget, unit.startRow, unit.endRow, {
    budget: budget.contentBudget(later),
    overlap: 0,
    label: { context: contextOf(unit, scope), ...(unit.head ?? { symbol: unit.symbol, kind: unit.kind }) },
    laterContext: later,
  });
}

/**
 * One unit per member; the first also takes the declaration's own rows above it (its signature,
 * decorators and doc comments), so every chunk of a split declaration has code of its body. Doc
 * comments too long to share a chunk with the signature and that member get a unit of their own.
 */
function memberUnits(unit: Unit, body: Node, inner: Scope, budget: TokenBudget): Unit[] {
  const members = buildUnits(body.children, inner, unit.endRow);
  if (members.length === 0) return members;
  const head = { symbol: unit.symbol, kind: unit.kind };
  const shows = (unit.shows ?? 0) + 1;
  const signatureRow = unit.node?.startPosition.row ?? unit.startRow;
  const crowded = budget.rows(unit.startRow, members[0].endRow) > budget.contentBudget(inner.context);
  // Rows above a merged unit's own node hold the outer signature too: those stay with the body.
  if (!crowded || unit.head || signatureRow <= unit.startRow) {
    Object.assign(members[0], { startRow: unit.startRow, head, shows });
    return members;
  }
  Object.assign(members[0], { startRow: signatureRow, head, shows });
  return [{ startRow: unit.startRow, endRow: signatureRow - 1, ...head, named: true }, ...members];
}

/** Header lines of a chunk starting with this unit: signatures its rows show need no `in:` line. */
function contextOf(unit: Unit, scope: Scope): readonly string[] {
  return scope.context.slice(0, scope.context.length - (unit.shows ?? 0));
}

/**
 * One declaration names the chunk; several are listed, with their kind if they share one. The
 * head of a split declaration names the chunks it starts: they show that declaration's signature.
 */
function label(group: Unit[], scope: Scope): { symbol?: string; kind?: string } {
  if (group[0].head) return group[0].head;
  const named = group.filter((unit) => unit.named);
  if (named.length === 0) return { symbol: scope.symbol, kind: scope.kind };
  if (named.length === 1) return { symbol: named[0].symbol, kind: named[0].kind };
  const symbols = [...new Set(named.map((unit) => unit.symbol).filter((symbol) => symbol !== undefined))];
  const kinds = new Set(named.map((unit) => unit.kind));
  const listed = symbols.length > MAX_SYMBOLS ? [...symbols.slice(0, MAX_SYMBOLS), '…'] : symbols;
  return {
    symbol: listed.join(', ') || undefined,
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
