import path from 'node:path';
import { loadIndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';
import { openKeywordIndex } from '../../src/core/completion/keyword-index';
import type { ChunkStore } from '../../src/core/store/chunk-store';

/** A small repository: a route module that uses a geometry helper defined elsewhere, and neighbours. */
export const FILES = {
  'src/geometry.ts': [
    'export interface Point {',
    '  x: number;',
    '  y: number;',
    '}',
    '',
    '/** Straight-line distance between two points. */',
    'export function distanceBetween(a: Point, b: Point): number {',
    '  const dx = a.x - b.x;',
    '  const dy = a.y - b.y;',
    '  return Math.sqrt(dx * dx + dy * dy);',
    '}',
    '',
  ].join('\n'),
  'src/route.ts': [
    "import { distanceBetween, type Point } from './geometry';",
    '',
    'export function routeLength(points: Point[]): number {',
    '  let total = 0;',
    '  for (let i = 1; i < points.length; i++) {',
    '    total += distanceBetween(points[i - 1], points[i]);',
    '  }',
    '  return total;',
    '}',
    '',
  ].join('\n'),
  'src/legs.ts': [
    "import type { Point } from './geometry';",
    '',
    '/** Pairs of consecutive points along a route: the legs travelled. */',
    'export function routeLegs(points: Point[]): Array<[Point, Point]> {',
    '  const legs: Array<[Point, Point]> = [];',
    '  for (let i = 1; i < points.length; i++) legs.push([points[i - 1], points[i]]);',
    '  return legs;',
    '}',
    '',
  ].join('\n'),
  'src/format.ts': [
    'export function formatPrice(cents: number, currency: string): string {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source with a template literal.
    '  return `${(cents / 100).toFixed(2)} ${currency}`;',
    '}',
    '',
  ].join('\n'),
  'app/stats.py': [
    'def mean(values):',
    '    """Arithmetic mean of a non-empty list."""',
    '    return sum(values) / len(values)',
    '',
    '',
    'def spread(values):',
    '    centre = mean(values)',
    '    return max(abs(v - centre) for v in values)',
    '',
  ].join('\n'),
};

/** A caller of `distanceBetween` with the cursor (`|`) inside the call's parentheses. */
export const ROUTE_AT_CALL = [
  "import { distanceBetween, type Point } from './geometry';",
  '',
  'export function routeLength(points: Point[]): number {',
  '  let total = 0;',
  '  for (let i = 1; i < points.length; i++) {',
  '    total += distanceBetween(|);',
  '  }',
  '  return total;',
  '}',
].join('\n');

/** The fixture written to a temporary folder and indexed with the real chunker and embedding model. */
export async function indexedFixture(): Promise<{ root: string; dbDir: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await makeTempDir('reposage-completion-');
  const root = path.join(dir, 'repo');
  const dbDir = path.join(dir, 'index');
  await writeTree(root, FILES);
  const models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
  try {
    await syncIndex({ root, dbDir }, models);
  } finally {
    await models.embedder.dispose();
  }
  return { root, dbDir, cleanup };
}

/** The indexed fixture with its keyword index open; cleanup closes the index and removes the files. */
export async function openedFixture(): Promise<{
  root: string;
  dbDir: string;
  store: ChunkStore;
  cleanup: () => Promise<void>;
}> {
  const fixture = await indexedFixture();
  const opened = await openKeywordIndex(fixture.dbDir);
  if (!opened.store) throw new Error(opened.unavailable);
  const store = opened.store;
  return {
    ...fixture,
    store,
    cleanup: async () => {
      store.close();
      await fixture.cleanup();
    },
  };
}

/** A request at the first `|` in a file's text (the marker removed). */
export function requestAt(filePath: string, textWithCursor: string) {
  const offset = textWithCursor.indexOf('|');
  return { path: filePath, text: textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset };
}
