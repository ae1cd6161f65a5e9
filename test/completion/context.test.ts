import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherContext } from '../../src/core/completion/context';
import { ContextCache } from '../../src/core/completion/context-cache';
import { viewAt } from '../../src/core/completion/cursor';
import { packPrompt } from '../../src/core/completion/pack';
import type { RecentEdit } from '../../src/core/completion/types';
import type { ChunkStore } from '../../src/core/store/chunk-store';
import { ROUTE_AT_CALL, openedFixture, requestAt } from './repo-fixture';

describe('completion context', () => {
  let fixture: Awaited<ReturnType<typeof openedFixture>>;
  let store: ChunkStore;

  beforeAll(async () => {
    fixture = await openedFixture();
    store = fixture.store;
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });

  async function contextAt(path: string, textWithCursor: string, recentEdits: RecentEdit[] = []) {
    const request = requestAt(path, textWithCursor);
    const view = viewAt(request.text, request.offset);
    const language = path.endsWith('.py') ? 'python' : 'typescript';
    const candidates = await gatherContext({ path, language, text: request.text, view }, { index: store, recentEdits });
    return { view, language, candidates };
  }

  it('finds the definition of a function used at the cursor in another file', async () => {
    const { candidates } = await contextAt('src/route.ts', ROUTE_AT_CALL);
    const definition = candidates.find((item) => item.source === 'definition' && item.path === 'src/geometry.ts');
    expect(definition?.text).toContain('export function distanceBetween(a: Point, b: Point): number {');
    // The chunker's header (path, enclosing declaration) is left out: the prompt has its own path comment.
    expect(definition?.text.split('\n')).toHaveLength(definition!.endLine - definition!.startLine + 1);
    expect(candidates[0].source).toBe('definition');
  });

  it('finds a definition in the current file from its syntax tree, not from the older index', async () => {
    const text = [
      'def mean(values):',
      '    return sum(values) / len(values)',
      '',
      '',
      'def spread(values):',
      '    centre = mean(|)',
      '',
    ].join('\n');
    const { candidates } = await contextAt('app/stats.py', text);
    expect(candidates.filter((item) => item.source === 'definition')).toContainEqual({
      path: 'app/stats.py',
      startLine: 1,
      endLine: 2,
      source: 'definition',
      text: 'def mean(values):\n    return sum(values) / len(values)',
    });
    expect(candidates.some((item) => item.path === 'app/stats.py' && item.source !== 'definition')).toBe(false);
  });

  it('adds similar code from other files, never chunks of the current file', async () => {
    const { candidates } = await contextAt('src/route.ts', ROUTE_AT_CALL);
    const similar = candidates.filter((item) => item.source === 'similar');
    expect(similar.map((item) => item.path)).toContain('src/legs.ts');
    expect(similar.some((item) => item.path === 'src/route.ts')).toBe(false);
  });

  it('puts recent edits after definitions and before similar code', async () => {
    const edit = {
      path: 'src/units.ts',
      startLine: 3,
      endLine: 4,
      text: 'export const KM = 1000;\nexport const MILE = 1609;',
    };
    const { candidates } = await contextAt('src/route.ts', ROUTE_AT_CALL, [edit]);
    const order = candidates.map((item) => item.source);
    expect(order.indexOf('recent')).toBeGreaterThan(order.lastIndexOf('definition'));
    expect(order.indexOf('recent')).toBeLessThan(order.indexOf('similar'));
  });

  it('packs context with path comments in each language, most useful nearest the cursor, within budget', async () => {
    const { view, language, candidates } = await contextAt('src/route.ts', ROUTE_AT_CALL);
    const packed = packPrompt({ path: 'src/route.ts', language, view, candidates, maxPromptTokens: 2048 });
    expect(packed.prompt).toContain('// Path: src/geometry.ts\n');
    expect(packed.prompt).toMatch(
      /\/\/ Path: src\/route\.ts\nimport \{ distanceBetween[\s\S]*total \+= distanceBetween\($/,
    );
    expect(packed.suffix).toBe(');\n  }\n  return total;\n}');
    // The definition is the most useful item, so it is the last block before the current file.
    const lastBlock = packed.prompt.lastIndexOf('// Path: src/', packed.prompt.indexOf('// Path: src/route.ts') - 1);
    expect(packed.prompt.slice(lastBlock)).toMatch(/^\/\/ Path: src\/geometry\.ts/);
    expect(packed.context.map(({ source }) => source)).toContain('similar');

    const tight = packPrompt({ path: 'src/route.ts', language, view, candidates, maxPromptTokens: 160 });
    expect(tight.promptTokens).toBeLessThanOrEqual(160);
    expect(tight.context.length).toBeLessThan(packed.context.length);
    expect(tight.context[0]?.source).toBe('definition');
  });

  it('keeps the budget on a minified line longer than the whole prompt', () => {
    const line = `var a=${'x+'.repeat(40_000)}1;`;
    const view = viewAt(line, 50_000);
    const packed = packPrompt({
      path: 'dist/app.min.js',
      language: 'javascript',
      view,
      candidates: [],
      maxPromptTokens: 1000,
    });
    expect(packed.promptTokens).toBeLessThanOrEqual(1000);
    expect(line.slice(0, 50_000).endsWith(packed.prompt.slice(packed.prompt.indexOf('\n') + 1))).toBe(true);
    expect(line.slice(50_000).startsWith(packed.suffix)).toBe(true);
    expect(packed.suffix.length).toBeGreaterThan(0);
  });

  it('heads Python context with # comments', async () => {
    const text = [
      'def spread(values):',
      '    centre = mean(values)',
      '    return max(abs(v - centre) for v in |)',
      '',
    ].join('\n');
    const { view, candidates } = await contextAt('app/report.py', text);
    const packed = packPrompt({ path: 'app/report.py', language: 'python', view, candidates, maxPromptTokens: 2048 });
    expect(packed.prompt).toContain('# Path: app/stats.py\n');
    expect(packed.prompt).toContain('# Path: app/report.py\ndef spread(values):');
  });

  describe('while the user types in one place', () => {
    /** The real index, counting its searches. */
    function counted() {
      const searches: string[] = [];
      return {
        searches,
        index: {
          searchKeywords: (query: string, limit: number) => {
            searches.push(query);
            return store.searchKeywords(query, limit);
          },
        },
      };
    }
    const typed = (text: string) => ROUTE_AT_CALL.replace('|', `${text}|`);
    const contextWith = async (text: string, sources: Parameters<typeof gatherContext>[1], signal?: AbortSignal) => {
      const request = requestAt('src/route.ts', text);
      const view = viewAt(request.text, request.offset);
      return gatherContext({ path: 'src/route.ts', language: 'typescript', text: request.text, view }, sources, signal);
    };

    it('answers later keystrokes in a region from the cache, with the same context', async () => {
      const { searches, index } = counted();
      const cache = new ContextCache();
      const first = await contextWith(typed('po'), { index, recentEdits: [], cache });
      const afterFirst = searches.length;
      expect(afterFirst).toBe(2);
      const later = await contextWith(typed('poin'), { index, recentEdits: [], cache });
      // Similar code and definitions come from the cache; the half-typed word is not looked up.
      expect(searches.length).toBe(afterFirst);
      // The same code from the index (the current file's own lines come from its live text).
      const fromIndex = (items: typeof first) => items.filter((item) => item.path !== 'src/route.ts');
      expect(fromIndex(later)).toEqual(fromIndex(first));
      expect(fromIndex(later).map((item) => item.path)).toContain('src/geometry.ts');
      // Without the cache, the same keystroke searches again.
      await contextWith(typed('poin'), { index, recentEdits: [] });
      expect(searches.length).toBe(afterFirst + 2);
      // A finished name is looked up once the cursor leaves it.
      await contextWith(typed('scaleFactor, '), { index, recentEdits: [], cache });
      expect(searches.slice(afterFirst + 2)).toEqual(['scaleFactor']);
    });

    it('searches again on another line, or once the words around the cursor changed', async () => {
      const { searches, index } = counted();
      const cache = new ContextCache();
      await contextWith(typed(''), { index, recentEdits: [], cache });
      const before = searches.length;
      await contextWith(typed('points[i - 1], points[i], scaleFactor, offsetVector, unitsOfMeasure'), {
        index,
        recentEdits: [],
        cache,
      });
      expect(searches.length).toBeGreaterThan(before);
      const moved = ROUTE_AT_CALL.replace('|', '').replace('return total;', 'return total|;');
      const beforeMove = searches.length;
      await contextWith(moved, { index, recentEdits: [], cache });
      expect(searches.length).toBeGreaterThan(beforeMove);
    });

    it('stops a request replaced by a newer keystroke before it searches for definitions', async () => {
      const { searches, index } = counted();
      const controller = new AbortController();
      controller.abort();
      await expect(contextWith(typed('po'), { index, recentEdits: [] }, controller.signal)).rejects.toMatchObject({
        code: 'CANCELLED',
      });
      expect(searches).toEqual([]);
    });
  });
});
