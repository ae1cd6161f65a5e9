import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkFile } from '../../src/core/chunking';
import type { TokenCounter } from '../../src/core/chunking/chunk';
import { defaultWasmDir } from '../../src/core/languages/parse';
import { RepoSageError } from '../../src/core/errors';
import { makeTempDir } from '../support/temp-dir';
import { contentOf, expectWellFormed, outline, realCounter, withLimit } from './helpers';
import { CART_JS, INVENTORY_PY, LEDGER_JAVA, QUEUE_RS, SERVER_GO, SHAPES_TS } from './samples';

let counter: TokenCounter;
/** A 128-token window: the samples' declarations are just large enough to get a chunk each. */
let small: TokenCounter;

beforeAll(async () => {
  counter = await realCounter();
  small = withLimit(counter, 128);
});

describe('chunkFile on code: one declaration per chunk, found through the real grammars', () => {
  it.each([
    [
      'src/shapes.ts',
      SHAPES_TS,
      [
        '1-9 interface Shape',
        '11-19 class Circle',
        '21-21 type ShapeKind',
        '23-31 function totalArea',
        '33-33 enum Colour',
      ],
    ],
    [
      'app/inventory.py',
      INVENTORY_PY,
      ['1-3 module -', '6-15 class Item', '18-20 function total_quantity', '23-28 function refresh'],
    ],
    [
      'server/server.go',
      SERVER_GO,
      ['1-13 struct Server', '15-20 method Server.Start', '22-25 function NewServer', '27-30 method Server.health'],
    ],
    [
      'src/queue.rs',
      QUEUE_RS,
      ['1-1 module -', '3-8 struct Ring', '10-19 impl Ring', '21-25 trait Sized2', '27-30 function drain_all'],
    ],
    [
      'src/Ledger.java',
      LEDGER_JAVA,
      [
        '1-4 module -',
        '6-8 class Ledger',
        '10-14 method Ledger.credit',
        '16-20 method Ledger.debit',
        '22-25 method Ledger.balance',
        '27-27 interface Auditor',
      ],
    ],
    [
      'lib/cart.js',
      CART_JS,
      ['1-1 module -', '3-6 function createCart', '8-14 function addItem', '16-22 class CartStore'],
    ],
  ])('%s', async (file, text, expected) => {
    const chunks = await chunkFile({ path: file, text }, { tokenCounter: small });
    expect(outline(chunks)).toEqual(expected);
    expectWellFormed(text, chunks, small);
  });

  it("lists the declarations each chunk defines, qualified, and not a function's local variables", async () => {
    const chunks = await chunkFile({ path: 'app/inventory.py', text: INVENTORY_PY }, { tokenCounter: small });
    expect(chunks.map((chunk) => `${chunk.startLine} ${chunk.definitions?.join(',')}`)).toEqual([
      '1 ',
      '6 Item,Item.needs_reorder',
      '18 total_quantity',
      '23 refresh',
    ]);
    const cart = await chunkFile({ path: 'lib/cart.js', text: CART_JS }, { tokenCounter: small });
    expect(cart.flatMap((chunk) => chunk.definitions ?? [])).toEqual(
      expect.arrayContaining(['createCart', 'addItem', 'CartStore']),
    );
    const prose = await chunkFile({ path: 'README.md', text: '# Title\n\nSome text.\n' }, { tokenCounter: small });
    expect(prose[0].definitions).toBeUndefined();
  });

  it('starts each chunk with a path header in the language comment syntax, then the exact source', async () => {
    const chunks = await chunkFile({ path: 'app/inventory.py', text: INVENTORY_PY }, { tokenCounter: small });
    const item = chunks.find((chunk) => chunk.symbol === 'Item')!;
    expect(item.language).toBe('python');
    expect(item.text).toBe(`# path: app/inventory.py\n${INVENTORY_PY.split('\n').slice(5, 15).join('\n')}`);
  });
});

describe('chunkFile on large declarations', () => {
  const methods = Array.from(
    { length: 14 },
    (_, i) => `  /** Looks up entry number ${i} and reports whether it was registered before the cut-off. */
  lookup${i}(key: string): boolean {
    const entry = this.entries.get(key + '-${i}');
    return entry !== undefined && entry.registeredAt < this.cutoff;
  }
`,
  );
  const registry = `import { Base } from './base';

/** Keeps track of registered entries and when each was registered. */
export class Registry extends Base<string> {
  private readonly entries = new Map<string, { registeredAt: number }>();
  private cutoff = Date.now();

${methods.join('\n')}}
`;

  it('splits a class too large for one chunk into its methods, each headed by the class signature', async () => {
    const chunks = await chunkFile({ path: 'src/registry.ts', text: registry }, { tokenCounter: counter });
    expectWellFormed(registry, chunks, counter);
    expect(chunks.length).toBeGreaterThan(2);
    const [imports, head, ...members] = chunks;
    expect(imports).toMatchObject({ startLine: 1, endLine: 1, kind: 'module' });
    expect(head).toMatchObject({ startLine: 3, symbol: 'Registry', kind: 'class' });
    for (const chunk of members) {
      expect(
        chunk.text.startsWith('// path: src/registry.ts\n// in: export class Registry extends Base<string> {\n'),
      ).toBe(true);
      expect(chunk.kind).toBe('method');
      expect(chunk.symbol).toMatch(/^Registry\.lookup\d+(, Registry\.lookup\d+)*$/);
    }
    for (let i = 0; i < 14; i++) {
      expect(
        chunks.filter((chunk) => chunk.text.includes(`  lookup${i}(key: string)`)),
        `lookup${i}`,
      ).toHaveLength(1);
    }
  });

  it('merges small neighbouring functions into one chunk that lists them', async () => {
    const text = ['a', 'b', 'c', 'd', 'e']
      .map((name) => `export function ${name}(x: number): number {\n  return x + 1;\n}\n`)
      .join('\n');
    const chunks = await chunkFile({ path: 'src/small.ts', text }, { tokenCounter: counter });
    expect(outline(chunks)).toEqual(['1-19 function a, b, c, d, e']);
  });

  it('splits one function too large for any chunk by its statements, repeating its signature', async () => {
    const statements = Array.from(
      { length: 80 },
      (_, i) => `  total += compute(input, ${i}, 'step number ${i} of the long pipeline');`,
    );
    const text =
      `export function pipeline(input: Input): number {\n  let total = 0;\n${statements.join('\n')}\n` +
      `  return total;\n}\n`;
    const chunks = await chunkFile({ path: 'src/pipeline.ts', text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((chunk) => chunk.symbol === 'pipeline' && chunk.kind === 'function')).toBe(true);
    for (const chunk of chunks.slice(1))
      expect(chunk.text).toContain('// in: export function pipeline(input: Input): number {');
  });

  it('splits a large test suite by its cases, each headed by the describe line', async () => {
    const cases = Array.from(
      { length: 12 },
      (_, i) => `  it('parses input number ${i} without losing any of its fields', () => {
    const parsed = parse(fixture(${i}));
    expect(parsed.fields).toHaveLength(${i});
  });
`,
    );
    const text = `import { parse } from './parse';\n\ndescribe('parse', () => {\n${cases.join('\n')}});\n`;
    const chunks = await chunkFile({ path: 'test/parse.test.ts', text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    const [imports, head, ...rest] = chunks;
    expect(imports).toMatchObject({ startLine: 1, endLine: 1 });
    expect(contentOf(head).startsWith("describe('parse', () => {\n  it('parses input number 0")).toBe(true);
    expect(rest.length).toBeGreaterThan(1);
    for (const chunk of rest)
      expect(chunk.text).toMatch(
        /^\/\/ path: test\/parse\.test\.ts\n\/\/ in: describe\('parse', \(\) => \{\n {2}it\('parses/,
      );
  });

  it('cuts a line too long for one chunk between words, losing none of them', async () => {
    const list = Array.from({ length: 600 }, (_, i) => `'word${i}'`);
    const text = `export const WORDS = [${list.join(', ')}];\n`;
    const chunks = await chunkFile({ path: 'src/words.ts', text }, { tokenCounter: counter });
    expectWellFormed(text, chunks, counter);
    expect(chunks.length).toBeGreaterThan(1);
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    expect(chunks.flatMap((chunk) => words(contentOf(chunk)))).toEqual(words(text));
  });
});

describe('chunk ids', () => {
  it('keep their value when lines are inserted above a declaration', async () => {
    const before = await chunkFile({ path: 'src/shapes.ts', text: SHAPES_TS }, { tokenCounter: small });
    const edited = SHAPES_TS.replace('export interface Shape {', '// Shapes are immutable.\nexport interface Shape {');
    const after = await chunkFile({ path: 'src/shapes.ts', text: edited }, { tokenCounter: small });
    expect(after).toHaveLength(before.length);
    expect(after[0].id).not.toBe(before[0].id);
    for (let i = 1; i < before.length; i++) {
      expect(after[i].id).toBe(before[i].id);
      expect(after[i].contentHash).toBe(before[i].contentHash);
      expect(after[i].startLine).toBe(before[i].startLine + 1);
    }
  });

  it('differ for identical chunks in one file', async () => {
    const body = Array.from(
      { length: 12 },
      (_, i) => `  console.log('repeated line ${i} of the same function body');`,
    ).join('\n');
    const text = `function twice() {\n${body}\n}\n\nfunction twice() {\n${body}\n}\n`;
    const chunks = await chunkFile({ path: 'src/twice.js', text }, { tokenCounter: counter });
    expect(chunks).toHaveLength(2);
    expect(chunks[0].contentHash).toBe(chunks[1].contentHash);
    expect(chunks[0].id).not.toBe(chunks[1].id);
  });
});

describe('chunkFile when parsing fails', () => {
  it('still finds the declarations around a syntax error and covers every line', async () => {
    const text =
      `export function ok(a: number): number {\n  return a + 1;\n}\n\nexport function broken(a: number {\n` +
      `  if (a > 1 {\n    return a;\n  }\n  return 0;\n}\n\nexport class Fine {\n  m(): void {}\n}\n`;
    const tiny = withLimit(counter, 64);
    const chunks = await chunkFile({ path: 'src/broken.ts', text }, { tokenCounter: tiny });
    expectWellFormed(text, chunks, tiny);
    const symbols = chunks.flatMap((chunk) => chunk.symbol?.split(', ') ?? []);
    expect(symbols).toEqual(expect.arrayContaining(['ok', 'Fine']));
  });

  it('splits the file as text when the grammar cannot be loaded', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const chunks = await chunkFile({ path: 'src/shapes.ts', text: SHAPES_TS }, { tokenCounter: small, wasmDir: dir });
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.every((chunk) => chunk.kind === 'text' && chunk.language === 'typescript')).toBe(true);
      expectWellFormed(SHAPES_TS, chunks, small);
    } finally {
      await cleanup();
    }
  });

  it('loads grammars from an explicit folder', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      await copyFile(
        path.join(defaultWasmDir(), 'tree-sitter-typescript.wasm'),
        path.join(dir, 'tree-sitter-typescript.wasm'),
      );
      const chunks = await chunkFile({ path: 'src/shapes.ts', text: SHAPES_TS }, { tokenCounter: small, wasmDir: dir });
      expect(chunks.map((chunk) => chunk.symbol)).toContain('totalArea');
    } finally {
      await cleanup();
    }
  });

  it('splits the file as text when parsing runs out of time', async () => {
    const text = Array.from({ length: 400 }, () => SHAPES_TS).join('\n');
    const chunks = await chunkFile({ path: 'src/many.ts', text }, { tokenCounter: counter, parseTimeoutMs: 0 });
    expect(chunks.every((chunk) => chunk.kind === 'text')).toBe(true);
    expectWellFormed(text, chunks, counter);
  });
});

describe('chunkFile edge cases', () => {
  it('gives no chunks for an empty or blank file', async () => {
    expect(await chunkFile({ path: 'src/empty.ts', text: '' }, { tokenCounter: counter })).toEqual([]);
    expect(await chunkFile({ path: 'src/blank.py', text: '\n  \n\t\n' }, { tokenCounter: counter })).toEqual([]);
  });

  it('reads Windows line endings', async () => {
    const text = SHAPES_TS.replace(/\n/g, '\r\n');
    const chunks = await chunkFile({ path: 'src/shapes.ts', text }, { tokenCounter: small });
    expect(outline(chunks)).toEqual(
      outline(await chunkFile({ path: 'src/shapes.ts', text: SHAPES_TS }, { tokenCounter: small })),
    );
    expect(chunks.some((chunk) => chunk.text.includes('\r'))).toBe(false);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await chunkFile(
      { path: 'src/shapes.ts', text: SHAPES_TS },
      { tokenCounter: counter, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepoSageError);
    expect((error as RepoSageError).code).toBe('CANCELLED');
  });
});
