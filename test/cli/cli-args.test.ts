import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';
import { testModels } from '../support/models';
import { runCli } from '../support/run-cli';
import { runCliInProcess } from '../support/run-cli-in-process';
import { makeTempDir, writeTree } from '../support/temp-dir';

const streams = { stdout: process.stdout, stderr: process.stderr, signal: new AbortController().signal };
const commandLines = buildProgram(streams).commands.flatMap((command) =>
  command.commands.length > 0 ? command.commands.map((sub) => [command.name(), sub.name()]) : [[command.name()]],
);

describe('the command line', () => {
  it.each(commandLines.map((names) => [names.join(' '), names]))(
    '`reposage %s --help` describes its arguments and flags',
    async (_, names) => {
      const result = await runCliInProcess([...names, '--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^Usage: reposage ${names.join(' ')} `));
      expect(result.stdout).toContain('--help');
    },
  );

  it('prints declared defaults in the help, from the same declaration that parses them', async () => {
    const query = await runCliInProcess(['query', '--help']);
    expect(query.stdout).toMatch(/--k <n>\s+how many chunks to print \(default: 5\)/);
    const top = await runCliInProcess(['--help']);
    expect(top.stdout).toMatch(/Exit codes:\n\s+0\s+done\n\s+1\s+the command failed/);
  });

  it.each([
    [
      ['query', 'x', '--k', '-1'],
      new RegExp(
        String.raw`^reposage: Option '--k <n>' argument '-1' is invalid\. It must be a whole number of at least ` +
          String.raw`1\. Usage: reposage query `,
      ),
    ],
    [['query', 'x', '--k', 'five'], /argument 'five' is invalid/],
    [['ask', 'why?', '--k', '0'], /^reposage: Option '--k <n>' argument '0' is invalid/],
    [
      ['complete', '--file', 'a.ts', '--line', '0', '--column', '1'],
      /^reposage: Option '--line <n>' argument '0' is invalid/,
    ],
    [
      ['eval', '--golden', 'g.jsonl', '--modes', 'bm25,fuzzy'],
      /Unknown mode "fuzzy"; use some of bm25, dense, hybrid, rerank\./,
    ],
    [
      ['index', '--bogus'],
      /^reposage: Unknown option '--bogus'\. Usage: reposage index \[options\] \[dir\]; see `reposage index --help`\./,
    ],
    [['query'], /^reposage: Missing required argument 'text'\./],
    [['frobnicate'], /^reposage: Unknown command 'frobnicate'\. Commands: index, status, doctor, query, ask/],
    [[], /^reposage: No command given\. Commands: /],
    [['golden'], /^reposage: No command given to reposage golden\. Commands: bootstrap/],
  ])('refuses %j on stderr with exit code 2, naming what to change', async (args, message) => {
    const result = await runCliInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('words a core error with the CLI flag, not the VS Code setting, and exits 1', async () => {
    const result = await runCliInProcess(['ask', 'why?', '--ollama', 'http://127.0.0.1:1', '--json']);
    expect(result.code).toBe(1);
    expect(result.json.error.code).toMatch(/^OLLAMA_/);
    expect(result.stderr).not.toContain('reposage.ollamaHost');
    const models = await runCliInProcess(['index', '.', '--models', '/nonexistent-models', '--db', '/nonexistent-db']);
    expect(models.code).toBe(1);
    expect(models.stderr).toContain('--models DIR');
    expect(models.stderr).not.toContain('reposage.modelsDir');
  });
});

describe('progress of a long command', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++)
      files[`src/mod${i}.ts`] = `export function f${i}(x: number): number {\n  return x * ${i};\n}\n`;
    await writeTree(root, files);
  });
  afterAll(() => cleanup());

  it('writes progress lines to stderr when it is not a terminal, and none with --quiet', async () => {
    // A short interval, so that this small repository gets more than the first line.
    const env = { REPOSAGE_PROGRESS_INTERVAL_MS: '1' };
    const shown = await runCli(['index', root, '--db', path.join(root, '..', 'db1')], env);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(shown.stderr).not.toContain('\r');
    expect(shown.stderr).toMatch(/^reposage: \w+ \d+\/12 files, \d+ chunks/m);
    // Rate and ETA need half a second of work, more than this repository takes: progress.test.ts covers them.
    expect(shown.stdout).toMatch(/^Indexed /);

    const quiet = await runCli(['index', root, '--db', path.join(root, '..', 'db2'), '--quiet'], env);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  }, 240_000);

  it('searches in the best installed mode, silently, when no re-ranker is installed; status says so once', async () => {
    const { modelsDir, embeddingModel } = testModels();
    const onlyEmbedding = path.join(root, '..', 'models');
    await fs.mkdir(path.dirname(path.join(onlyEmbedding, embeddingModel)), { recursive: true });
    await fs.symlink(path.join(modelsDir, embeddingModel), path.join(onlyEmbedding, embeddingModel));
    const flags = ['--db', path.join(root, '..', 'db1'), '--models', onlyEmbedding];

    const result = await runCli(['query', 'multiply', root, ...flags, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.json.mode).toBe('hybrid');

    const status = await runCli(['status', root, ...flags]);
    expect(status.stdout).toMatch(
      /re-ranker: +not installed, so queries use hybrid retrieval; put \S+ in --models DIR to re-rank/,
    );
    const withReranker = await runCli(['status', root, '--db', path.join(root, '..', 'db1'), '--json']);
    expect(withReranker.json.reranker.installed).toBe(testModels().rerankModel !== null);
  }, 240_000);
});
