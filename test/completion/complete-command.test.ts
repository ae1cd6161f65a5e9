import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/run-cli-in-process';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { writeTree } from '../support/temp-dir';
import { indexedFixture } from './repo-fixture';

const runComplete = (args: string[]) => runCliInProcess(['complete', ...args]);

const TOUR = [
  "import { distanceBetween, type Point } from './geometry';",
  '',
  'export function tourLength(stops: Point[]): number {',
  '  let total = 0;',
  '  for (let i = 1; i < stops.length; i++) {',
  '    total += distanceBetween();',
  '  }',
  '  return total;',
  '}',
  '',
].join('\n');

describe('reposage complete', () => {
  let fixture: Awaited<ReturnType<typeof indexedFixture>>;
  let stub: OllamaStub;

  beforeAll(async () => {
    fixture = await indexedFixture();
    // Written after indexing, as a file being edited is.
    await writeTree(fixture.root, { 'src/tour.ts': TOUR });
    stub = await startOllamaStub({ respond: () => 'stops[i - 1], stops[i]);' });
  });
  afterAll(async () => {
    await stub?.close();
    await fixture?.cleanup();
  });

  // Column 30 of line 6 is just after `distanceBetween(`.
  const at = (root: string) => [
    '--file',
    path.join(root, 'src/tour.ts'),
    '--line',
    '6',
    '--column',
    '30',
    root,
    '--ollama',
    stub.url,
  ];

  it('prints the completion, its context, the prompt size and the timings as JSON', async () => {
    const { stdout, stderr } = await runComplete([...at(fixture.root), '--db', fixture.dbDir, '--json']);
    const output = JSON.parse(stdout);

    expect(stderr).toBe('');
    expect(output.completion).toBe('stops[i - 1], stops[i]');
    expect(output.context).toContainEqual({ path: 'src/geometry.ts', startLine: 1, endLine: 11, source: 'definition' });
    expect(Object.keys(output.context[0]).sort()).toEqual(['endLine', 'path', 'source', 'startLine']);
    expect(output.prompt_tokens).toBeGreaterThan(0);
    expect(output.timings).toEqual({ context_ms: expect.any(Number), model_ms: expect.any(Number) });
    const sent = stub.requestsTo('/api/generate').at(-1)?.body as { prompt: string; suffix: string };
    expect(sent.prompt.endsWith('total += distanceBetween(')).toBe(true);
    expect(sent.suffix.startsWith(');\n  }')).toBe(true);
  });

  it('completes from the current file alone when there is no index, and says so', async () => {
    const { stdout, stderr } = await runComplete([...at(fixture.root), '--db', path.join(fixture.root, 'no-index')]);

    expect(stdout).toBe('stops[i - 1], stops[i]\n');
    expect(stderr).toMatch(/no RepoSage index in .*no-index; completing without repository context/);
    const sent = stub.requestsTo('/api/generate').at(-1)?.body as { prompt: string };
    expect(sent.prompt.startsWith('// Path: src/tour.ts\n')).toBe(true);
  });

  it('rejects a position outside the file', async () => {
    const args = [
      '--file',
      path.join(fixture.root, 'src/tour.ts'),
      '--line',
      '60',
      '--column',
      '1',
      fixture.root,
      '--ollama',
      stub.url,
    ];
    const result = await runComplete([...args, '--json']);
    expect(result.code).toBe(1);
    expect(result.json.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^Line 60 is outside the file \(1 to 10\)\./),
    });
  });
});
