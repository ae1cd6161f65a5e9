import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/core/eval/evaluate';
import { readGoldenSet } from '../../src/core/eval/golden-set';
import { testModels } from '../support/models';
import { startOllamaStub } from '../support/ollama-stub';
import { runCliInProcess } from '../support/run-cli-in-process';
import { makeTempDir, writeTree } from '../support/temp-dir';

const FIXTURE: Record<string, string> = {
  'lib/text.py': [
    'def slugify(title):',
    '    """Turn a title into a lowercase, hyphen-separated fragment for web addresses."""',
    "    return '-'.join(title.lower().split())",
    '',
    '',
    'def word_count(text):',
    '    """Count the whitespace-separated words in a piece of prose."""',
    '    return len(text.split())',
  ].join('\n'),
  'lib/store.py': [
    'class ExpiringCache:',
    '    """Keeps values for a limited number of seconds, then forgets them."""',
    '',
    '    def __init__(self, ttl):',
    '        self.ttl = ttl',
  ].join('\n'),
  'src/config.ts': [
    '/** Reads settings from disk, filling in defaults for anything missing. */',
    'export function parseConfigFile(filePath: string) {',
    '  return { filePath, port: 8080 };',
    '}',
  ].join('\n'),
};

/** Runs `reposage ARGS` in this process and fails the test on a non-zero exit. */
async function run(args: string[]) {
  const result = await runCliInProcess(args);
  expect(result.code, result.stderr).toBe(0);
  return { out: () => result.stdout, err: () => result.stderr };
}

describe('query, golden bootstrap and eval commands', () => {
  const { modelsDir } = testModels();
  let root: string;
  let db: string;
  let golden: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    db = path.join(temp.dir, 'index');
    golden = path.join(temp.dir, 'golden.jsonl');
    await writeTree(root, FIXTURE);
  });
  afterAll(() => cleanup?.());

  it('builds the missing index before the first query, and says so', async () => {
    const ctx = await run([
      'query',
      'parse config file of a title',
      root,
      '--db',
      db,
      '--models',
      modelsDir,
      '--mode',
      'bm25',
      '--k',
      '2',
      '--trace',
    ]);
    expect(ctx.err()).toContain('Building the index first');
    const lines = ctx.out().split('\n');
    expect(lines[0]).toMatch(/^bm25: 2 results for "parse config file of a title" in \d+ ms$/);
    expect(lines[1]).toMatch(/^ {2}1\. src\/config\.ts:\d+-\d+ .*score \d/);
    expect(ctx.out()).toContain('stages: bm25 ');
    expect(ctx.out()).toContain('candidates (');
  });

  it('answers in JSON with ranks, scores and the trace', async () => {
    const ctx = await run([
      'query',
      'a lowercase fragment for web addresses',
      root,
      '--db',
      db,
      '--models',
      modelsDir,
      '--mode',
      'hybrid',
      '--k',
      '1',
      '--trace',
      '--json',
    ]);
    expect(ctx.err()).toBe('');
    const result = JSON.parse(ctx.out());
    expect(result).toMatchObject({ query: 'a lowercase fragment for web addresses', mode: 'hybrid' });
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ path: 'lib/text.py', ranks: { fused: 1 } });
    expect(result.trace.stages.map((s: { stage: string }) => s.stage).sort()).toEqual([
      'bm25',
      'dense',
      'embed',
      'fusion',
      'signals',
    ]);
  });

  it('ranks files with --files, in text and in JSON', async () => {
    const text = await run([
      'query',
      'a lowercase fragment for web addresses',
      root,
      '--db',
      db,
      '--models',
      modelsDir,
      '--mode',
      'hybrid',
      '--k',
      '2',
      '--files',
    ]);
    expect(text.out()).toMatch(
      new RegExp(
        String.raw`^hybrid: 2 files for "a lowercase fragment for web addresses" in \d+ ms\n {2}1\. ` +
          String.raw`lib\/text\.py {2}score [\d.]+ {2}best \d+-\d+`,
      ),
    );
    const json = JSON.parse(
      (
        await run([
          'query',
          'a lowercase fragment for web addresses',
          root,
          '--db',
          db,
          '--models',
          modelsDir,
          '--mode',
          'hybrid',
          '--k',
          '2',
          '--files',
          '--json',
        ])
      ).out(),
    );
    expect(json.files).toHaveLength(2);
    expect(json.files[0]).toMatchObject({ path: 'lib/text.py', kind: 'source' });
    expect(new Set(json.files.map((file: { path: string }) => file.path)).size).toBe(2);
  });

  it('re-ranks with an Ollama model given --llm-rerank, by its yes/no log-probabilities', async () => {
    const stub = await startOllamaStub({
      respond: (request) =>
        request.endpoint === 'generate' && request.prompt.includes('def word_count') ? 'yes' : 'no',
    });
    try {
      const args = [
        'query',
        'a lowercase fragment for web addresses',
        root,
        '--db',
        db,
        '--models',
        modelsDir,
        '--k',
        '1',
        '--llm-rerank',
        'qwen2.5-coder:7b',
        '--ollama',
        stub.url,
        '--json',
      ];
      const json = JSON.parse((await run(args)).out());
      expect(json.mode).toBe('rerank');
      expect(json.results[0]).toMatchObject({ path: 'lib/text.py' });
      expect(json.results[0].scores.rerank).toBeCloseTo(0.8, 6);
      const generates = stub.requests.filter((request) => request.path === '/api/generate');
      expect(generates.length).toBeGreaterThan(1);
      expect(generates[0].body).toMatchObject({ logprobs: true, top_logprobs: 10 });
    } finally {
      await stub.close();
    }
  });

  it('rejects an unknown mode', async () => {
    const result = await runCliInProcess(['query', 'x', root, '--db', db, '--mode', 'fuzzy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        String.raw`^reposage: Option '--mode <mode>' argument 'fuzzy' is invalid\. Allowed choices are bm25, ` +
          String.raw`dense, hybrid, rerank\. Usage: reposage query `,
      ),
    );
  });

  it('bootstraps a golden set from the docstrings and evaluates every mode on it', async () => {
    const boot = await run(['golden', 'bootstrap', root, '--out', golden]);
    expect(boot.out()).toMatch(/^Wrote 4 questions to /);
    const questions = await readGoldenSet(golden);
    expect(questions.map((q) => q.id).sort()).toEqual([
      'lib/store.py#ExpiringCache:1',
      'lib/text.py#slugify:1',
      'lib/text.py#word_count:6',
      'src/config.ts#parseConfigFile:2',
    ]);

    const reportFile = path.join(path.dirname(golden), 'report.md');
    const ctx = await run([
      'eval',
      root,
      '--golden',
      golden,
      '--db',
      db,
      '--models',
      modelsDir,
      '--modes',
      'bm25,dense,hybrid',
      '--k',
      '5',
      '--report',
      reportFile,
      '--json',
    ]);
    const report = JSON.parse(ctx.out()) as EvalReport;
    expect(report.questions).toBe(4);
    expect(Object.keys(report.modes)).toEqual(['bm25', 'dense', 'hybrid']);
    for (const figures of Object.values(report.modes)) {
      expect(Object.keys(figures!)).toEqual([
        'recall@1',
        'recall@5',
        'mrr@10',
        'ndcg@10',
        'p50_ms',
        'p95_ms',
        'stages',
        'file_level',
      ]);
      expect(figures!['recall@5']).toBeGreaterThanOrEqual(figures!['recall@1']);
      expect(figures!.p95_ms).toBeGreaterThanOrEqual(figures!.p50_ms);
    }
    // Four short files: every mode finds each answer in its top 5.
    expect(report.modes.hybrid!['recall@5']).toBe(1);
    expect(Object.keys(report.modes.hybrid!.stages).sort()).toEqual(['bm25', 'dense', 'embed', 'fusion', 'signals']);
    const markdown = await fs.readFile(reportFile, 'utf8');
    expect(markdown).toContain('| metric | bm25 | dense | hybrid |');
    expect(markdown).toContain('| recall@5 |');
  });

  it("writes a held-out copy without the questions' doc comments, and the questions that it holds out", async () => {
    const copy = path.join(path.dirname(golden), 'held-out');
    const heldOutGolden = path.join(path.dirname(golden), 'held-out.jsonl');
    const ctx = await run(['golden', 'bootstrap', root, '--out', heldOutGolden, '--held-out', copy, '--json']);
    const result = JSON.parse(ctx.out());
    expect(result).toMatchObject({ questions: 4, held_out: { dir: copy, skipped: 0 } });
    for (const question of await readGoldenSet(heldOutGolden)) {
      const words = question.question.slice(0, 20);
      expect(await fs.readFile(path.join(root, question.expected[0].path), 'utf8')).toContain(words);
      expect(await fs.readFile(path.join(copy, question.expected[0].path), 'utf8')).not.toContain(words);
    }
  });

  it('prints a side-by-side table without --json', async () => {
    const ctx = await run([
      'eval',
      root,
      '--golden',
      golden,
      '--db',
      db,
      '--models',
      modelsDir,
      '--modes',
      'bm25,hybrid',
      '--k',
      '5',
    ]);
    const table = ctx.out();
    expect(table).toMatch(/^metric\s+bm25\s+hybrid$/m);
    expect(table).toMatch(/^recall@5\s+\d\.\d{3}\s+\d\.\d{3}$/m);
    expect(table).toMatch(/^total p95 ms\s+[\d.]+\s+[\d.]+$/m);
  });

  it('refuses eval without a golden set, and golden without --out', async () => {
    const noGolden = await runCliInProcess(['eval', root, '--db', db]);
    expect(noGolden.code).toBe(2);
    expect(noGolden.stderr).toMatch(
      /^reposage: Required option '--golden <file>' not specified\. Usage: reposage eval /,
    );
    const noOut = await runCliInProcess(['golden', 'bootstrap', root, '--json']);
    expect(noOut.code).toBe(2);
    expect(noOut.json.error.code).toBe('INVALID_INPUT');
  });
});
