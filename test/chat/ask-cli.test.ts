import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModels } from '../support/models';
import { runCliInProcess } from '../support/run-cli-in-process';
import { parseContextBlocks, startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { makeTempDir, writeTree } from '../support/temp-dir';
import { FIXTURE_FILES } from './fixture';

const ask = (args: string[]) => runCliInProcess(['ask', ...args]);

describe('reposage ask on a real repository and index', () => {
  let stub: OllamaStub;
  let root: string;
  let modelsDir: string;
  let cleanup: () => Promise<void>;
  const question = 'How is the server port chosen?';

  beforeAll(async () => {
    modelsDir = testModels().modelsDir;
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    await writeTree(root, FIXTURE_FILES);
    stub = await startOllamaStub();
  });
  afterAll(async () => {
    await stub?.close();
    await cleanup?.();
  });

  it('builds the missing index first, then prints one JSON object with verified citations', async () => {
    const result = await ask([question, root, '--models', modelsDir, '--ollama', stub.url, '--json']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/No RepoSage index .* Building the index first/);
    expect(existsSync(path.join(root, '.reposage', 'index', 'manifest.json'))).toBe(true);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]);
    expect(Object.keys(json)).toEqual(['answer', 'citations', 'sources', 'model', 'timings', 'index']);
    expect(json.index).toMatchObject({ state: 'complete', files: expect.any(Number) });
    expect(json.model).toBe('qwen2.5-coder:7b');
    expect(Object.keys(json.timings)).toEqual(['retrieval_ms', 'first_token_ms', 'total_ms']);

    // The prompt was built from the real index: its blocks are the ones reported, all cited and verified.
    const prompt = (stub.requestsTo('/api/chat').at(-1)!.body as { messages: Array<{ content: string }> }).messages.at(
      -1,
    )!.content;
    const blocks = parseContextBlocks(prompt);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.map((b) => b.path)).toContain('src/server.ts');
    expect(json.sources).toEqual(blocks.map((b) => ({ ...b, verified: true })));
    expect(json.citations).toEqual(json.sources);
  });

  it('streams the answer, then lists the sources with their status, flagging a file edited since indexed', async () => {
    const args = [question, root, '--models', modelsDir, '--ollama', stub.url, '--k', '3'];
    expect((await ask(args)).stdout).toMatch(/src\/config\.ts:\d+-\d+ {2}cited, verified$/m);
    const configPath = path.join(root, 'src/config.ts');
    await fs.writeFile(configPath, (await fs.readFile(configPath, 'utf8')).replace('8080', '3000'));
    try {
      const result = await ask(args);

      expect(result.code, result.stderr).toBe(0);
      const [answer, sources] = result.stdout.split('\n\nSources:\n');
      expect(answer).toMatch(/^From the repository: .*\[1\]/);
      const sourceLines = sources.trimEnd().split('\n');
      expect(sourceLines.at(-1)).toMatch(/^qwen2\.5-coder:7b: retrieval \d+ ms, first token \d+ ms, total \d+ ms$/);
      expect(sourceLines.find((line) => line.includes('src/server.ts'))).toMatch(
        /^ {2}\[\d\] src\/server\.ts:\d+-\d+ {2}cited, verified$/,
      );
      expect(sourceLines.find((line) => line.includes('src/config.ts'))).toMatch(
        /cited, NOT VERIFIED: lines \d+-\d+ changed since they were indexed$/,
      );
      expect(sourceLines.length - 1).toBeLessThanOrEqual(3);
    } finally {
      await fs.writeFile(configPath, FIXTURE_FILES['src/config.ts']);
    }
  });

  it('caps the window asked of Ollama with --max-context, a quarter of it kept for the answer', async () => {
    const result = await ask([question, root, '--models', modelsDir, '--ollama', stub.url, '--max-context', '2048']);

    expect(result.code, result.stderr).toBe(0);
    const sent = stub.requestsTo('/api/chat').at(-1)!.body as { options: Record<string, number> };
    expect(sent.options).toMatchObject({ num_ctx: 2048, num_predict: 512 });
  });

  it('stops the answer at --max-answer-tokens, and says which flag gives a longer one', async () => {
    const result = await ask([question, root, '--models', modelsDir, '--ollama', stub.url, '--max-answer-tokens', '3']);

    expect(result.code, result.stderr).toBe(0);
    const sent = stub.requestsTo('/api/chat').at(-1)!.body as { options: Record<string, number> };
    expect(sent.options).toMatchObject({ num_ctx: 8192, num_predict: 3 });
    expect(result.stdout.split('\n\nSources:\n')[0].trim().split(/\s+/)).toHaveLength(3);
    expect(result.stderr).toMatch(/stopped at the token limit .* raise --max-answer-tokens/);
  });

  it('uses REPOSAGE_CHAT_MODEL, and stops before indexing when Ollama lacks the model', async () => {
    const db = path.join(root, 'other-index');
    process.env.REPOSAGE_CHAT_MODEL = 'llama3.2:3b';
    try {
      const result = await ask([question, root, '--db', db, '--models', modelsDir, '--ollama', stub.url, '--json']);

      expect(result.code).toBe(1);
      expect(result.json.error.code).toBe('OLLAMA_MODEL_MISSING');
      // The CLI names its own flag, not the VS Code setting.
      expect(result.stderr).toMatch(
        new RegExp(
          String.raw`^reposage: The model llama3\.2:3b is not installed .*\`ollama pull llama3\.2:3b\`, or choose ` +
            String.raw`another model in --model NAME\.\n$`,
        ),
      );
      expect(existsSync(db)).toBe(false);
    } finally {
      delete process.env.REPOSAGE_CHAT_MODEL;
    }
  });

  it('refuses an empty question with the usage', async () => {
    const result = await ask(['  ', root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        String.raw`^reposage: Command-argument value ' {2}' is invalid for argument 'question'\. It is empty\. ` +
          String.raw`Usage: reposage ask \[options\] <question> \[dir\]`,
      ),
    );
  });

  it('writes model text to the terminal as text: escape sequences neutralised, a link is not a citation', async () => {
    const hostile = await startOllamaStub({
      respond: () => '\x1b]0;pwned\x07\x1b[31mRed\x1b[0m text\x9b2J, see [3](javascript:alert(1)) and [1].',
    });
    try {
      const text = await ask([question, root, '--models', modelsDir, '--ollama', hostile.url, '--k', '3']);
      expect(text.code, text.stderr).toBe(0);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters.
      expect(text.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
      expect(text.stdout).toContain(']0;pwned[31mRed[0m text2J');
      const json = await ask([question, root, '--models', modelsDir, '--ollama', hostile.url, '--k', '3', '--json']);
      const answer = JSON.parse(json.stdout);
      // The answer is kept as the model wrote it (JSON escapes it); only [1] counts as a citation.
      expect(answer.answer).toContain('\x1b[31mRed');
      expect(answer.citations.map((citation: { n: number }) => citation.n)).toEqual([1]);
    } finally {
      await hostile.close();
    }
  });
});
