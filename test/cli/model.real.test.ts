import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { terminalSafe } from '../../src/cli/terminal-text';
import { parseCitationMarkers } from '../../src/core/chat/citations';
import { OllamaClient } from '../../src/core/ollama';
import { ggufWithMetadata } from '../support/gguf';
import { indexFixture, type IndexedFixture } from '../support/indexed-fixture';
import { parseContextBlocks } from '../support/ollama-stub';
import { SMALL_MODEL } from '../support/real-ollama';
import { type Exchange, type RecordingProxy, replyText, startRecordingProxy } from '../support/recording-proxy';
import { runCli } from '../support/run-cli';

/**
 * `reposage ask` and `reposage complete` (the built CLI) answering from the real server and a real
 * small model, run from a folder other than the indexed one. The model is far too small for good
 * answers, so these tests check the pipeline, not the prose: the sources RepoSage retrieved reached
 * the prompt, the model's own tokens reached the terminal as they came, and every source was checked
 * against the indexed files. A proxy between the CLI and the server records both sides.
 */
const QUESTION = 'How is stock shipped?';
/** A 2048-token window keeps 512 tokens for the answer: the small model often runs to the limit. */
const WINDOW = ['--max-context', '2048'];
/** A file being edited (written after indexing): the cursor is after `ledger.` on line 6. */
const EDITED = [
  "import type { StockLedger } from './stock';",
  '',
  '/** Receives every delivery into the ledger. */',
  'export function receiveAll(ledger: StockLedger, deliveries: { sku: string; units: number }[]): void {',
  '  for (const delivery of deliveries) {',
  '    ledger.',
  '  }',
  '}',
  '',
].join('\n');
const CURSOR = ['--line', '6', '--column', String('    ledger.'.length + 1)];
/** An embedding-only model (a GGUF whose metadata names a pooling type): the model a user may pick by mistake. */
const EMBEDDING_MODEL = 'reposage-cli-embedding';
/** Made from the small model with a template that names the suffix, so Ollama lets it fill in the middle. */
const FIM_MODEL = 'reposage-cli-fim';
const FIM_TEMPLATE =
  '{{ if .Suffix }}<prefix>{{ .Prompt }}<suffix>{{ .Suffix }}<middle>{{ else }}{{ .Prompt }}{{ end }}';

describe(`the CLI answering from the real Ollama server (${SMALL_MODEL})`, () => {
  let fixture: IndexedFixture;
  let proxy: RecordingProxy;
  const client = new OllamaClient({ host: inject('ollamaUrl') });

  beforeAll(async () => {
    fixture = await indexFixture();
    await fs.writeFile(path.join(fixture.root, 'src', 'restock.ts'), EDITED);
    proxy = await startRecordingProxy(inject('ollamaUrl'));
  });
  afterAll(async () => {
    for (const model of [FIM_MODEL, EMBEDDING_MODEL]) {
      await fetch(`${inject('ollamaUrl')}/api/delete`, { method: 'DELETE', body: JSON.stringify({ model }) });
    }
    await proxy?.close();
    await fixture?.cleanup();
  });

  const cli = (args: string[], onStdout?: (text: string) => void) =>
    runCli([...args, '--ollama', proxy.url], {}, { cwd: fixture.elsewhere, onStdout });
  /**
   * The last request of this kind that reached the server, with its reply. A stream the CLI cut short is kept when
   * the proxy sees the hang-up, which may come a moment after the CLI has exited.
   */
  const lastExchange = async (apiPath: string): Promise<Exchange> => {
    const last = () => proxy.exchanges.filter((candidate) => candidate.path === apiPath).at(-1);
    await expect.poll(last, { message: `no ${apiPath} request reached the server`, timeout: 5_000 }).toBeDefined();
    return last()!;
  };
  const promptOf = (exchange: Exchange) =>
    (exchange.body as { messages: Array<{ role: string; content: string }> }).messages.at(-1)!.content;

  /** Each block in the prompt carries the code on disk at the lines it names. */
  const expectBlocksFromDisk = async (prompt: string) => {
    const blocks = parseContextBlocks(prompt);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const lines = (await fs.readFile(path.join(fixture.root, block.path), 'utf8'))
        .split('\n')
        .slice(block.startLine - 1, block.endLine);
      const longest = lines.reduce((a, b) => (b.trim().length > a.trim().length ? b : a)).trim();
      expect(prompt).toContain(longest);
    }
    return blocks;
  };

  it('ask streams the model’s answer to the terminal, then lists the sources it was shown, checked', async () => {
    const pieces: string[] = [];
    const result = await cli(['ask', QUESTION, '--db', fixture.db, '--model', SMALL_MODEL, ...WINDOW], (text) =>
      pieces.push(text),
    );

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`${SMALL_MODEL} is reading \\d+ sources?…`));
    const exchange = await lastExchange('/api/chat');
    const blocks = await expectBlocksFromDisk(promptOf(exchange));

    // What the terminal showed is what the server streamed, and it came in many pieces, not at the end.
    const streamed = replyText(exchange);
    expect(streamed.trim()).not.toBe('');
    const [answer, sources] = result.stdout.split('\n\nSources:\n');
    expect(answer).toBe(terminalSafe(streamed));
    expect(pieces.join('').indexOf('Sources:')).toBeGreaterThan(0);
    expect(pieces.length).toBeGreaterThan(2);

    // One line per block shown, all verified against the indexed folder; "cited" exactly where the answer cites it.
    const cited = new Set(parseCitationMarkers(streamed));
    const sourceLines = sources.trimEnd().split('\n');
    expect(sourceLines.at(-1)).toMatch(
      new RegExp(`^${SMALL_MODEL}: retrieval \\d+ ms, first token \\d+ ms, total \\d+ ms$`),
    );
    expect(sourceLines.slice(0, -1)).toEqual(
      blocks.map(
        (block) =>
          `  [${block.n}] ${block.path}:${block.startLine}-${block.endLine}  ` +
          `${cited.has(block.n) ? 'cited, ' : ''}verified`,
      ),
    );
  });

  it('ask --json prints one object: the streamed answer, the sources verified, the citations among them', async () => {
    const result = await cli(['ask', QUESTION, '--db', fixture.db, '--model', SMALL_MODEL, ...WINDOW, '--json']);

    expect(result.code, result.stderr).toBe(0);
    const json = result.json;
    expect(json, result.stdout).toBeDefined();
    const exchange = await lastExchange('/api/chat');
    const blocks = await expectBlocksFromDisk(promptOf(exchange));
    expect(json.answer).toBe(replyText(exchange));
    expect(json.answer.trim()).not.toBe('');
    expect(json.model).toBe(SMALL_MODEL);
    expect(json.sources).toEqual(blocks.map((block) => ({ ...block, verified: true })));
    // A citation is a source the answer names by number; numbers the model made up are left out.
    const shown = new Set(blocks.map((block) => block.n));
    expect(json.citations).toEqual(
      parseCitationMarkers(json.answer)
        .filter((n) => shown.has(n))
        .map((n) => json.sources.find((source: { n: number }) => source.n === n)),
    );
    expect(json.timings.first_token_ms).toBeGreaterThan(json.timings.retrieval_ms);
    expect(json.timings.total_ms).toBeGreaterThanOrEqual(json.timings.first_token_ms);
    expect(json.index).toMatchObject({ state: 'complete' });
    // The window left 512 tokens for the answer; when the model used them all, the CLI says so.
    const final = JSON.parse(exchange.reply.trim().split('\n').at(-1)!);
    expect(final.eval_count).toBeLessThanOrEqual(512);
    expect(Boolean(json.truncated)).toBe(final.done_reason === 'length');
    expect(result.stderr.includes('the answer stopped at the token limit')).toBe(final.done_reason === 'length');
  });

  it('complete with a chat model: a suggestion from the text before the cursor, the reason said once', async () => {
    const result = await cli([
      'complete',
      '--file',
      path.join(fixture.root, 'src', 'restock.ts'),
      ...CURSOR,
      '--db',
      fixture.db,
      '--model',
      SMALL_MODEL,
      '--json',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/cannot fill in the middle/g)).toHaveLength(1);
    expect(result.json.fill_in_the_middle).toBe(false);
    const exchange = await lastExchange('/api/generate');
    const sent = exchange.body as { prompt: string; suffix?: string; raw?: boolean };
    expect(sent.raw).toBe(true);
    expect(sent.suffix).toBeUndefined();
    expect(sent.prompt.endsWith('  for (const delivery of deliveries) {\n    ledger.')).toBe(true);
    // The suggestion is the model's own text, cut to the line.
    expect(result.json.completion.trim()).not.toBe('');
    expect(replyText(exchange)).toContain(result.json.completion.trim());
  });

  it('complete with a model that fills in the middle sends the code after the cursor too', async () => {
    await client.createModel({ model: FIM_MODEL, from: SMALL_MODEL, template: FIM_TEMPLATE });
    const result = await cli([
      'complete',
      '--file',
      path.join(fixture.root, 'src', 'restock.ts'),
      ...CURSOR,
      '--db',
      fixture.db,
      '--model',
      FIM_MODEL,
      '--json',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('cannot fill in the middle');
    expect(result.json.fill_in_the_middle).toBe(true);
    const exchange = await lastExchange('/api/generate');
    const sent = exchange.body as { prompt: string; suffix?: string };
    expect(sent.prompt.endsWith('    ledger.')).toBe(true);
    expect(sent.suffix?.startsWith('\n  }\n}')).toBe(true);
    expect(typeof result.json.completion).toBe('string');
    expect(replyText(exchange)).toContain(result.json.completion.trim());
  });

  it('a model the server lacks: both commands fail with the `ollama pull` command and the flag to change', async () => {
    const missing = 'reposage-no-such-model:1b';
    const asked = await cli(['ask', QUESTION, '--db', fixture.db, '--model', missing]);
    const completed = await cli([
      'complete',
      '--file',
      path.join(fixture.root, 'src', 'restock.ts'),
      ...CURSOR,
      '--db',
      fixture.db,
      '--model',
      missing,
    ]);

    for (const result of [asked, completed]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`The model ${missing} is not installed`);
      expect(result.stderr).toContain(`\`ollama pull ${missing}\``);
      expect(result.stderr).toContain('--model NAME');
    }
    // Nothing was asked of the model: the lookup failed first.
    expect(proxy.exchanges.filter((exchange) => (exchange.body as { model?: string }).model === missing)).toEqual([
      expect.objectContaining({ path: '/api/show', status: 404 }),
      expect.objectContaining({ path: '/api/show', status: 404 }),
    ]);
  });

  it('an embedding model: both commands fail saying it does not write text, and which flag to change', async () => {
    const gguf = path.join(fixture.elsewhere, '..', 'embedding.gguf');
    await fs.writeFile(gguf, ggufWithMetadata({ 'general.architecture': 'bert', 'bert.pooling_type': 1 }));
    await client.createModel({ model: EMBEDDING_MODEL, files: { 'model.gguf': await client.pushBlob(gguf) } });

    const asked = await cli(['ask', QUESTION, '--db', fixture.db, '--model', EMBEDDING_MODEL]);
    const completed = await cli([
      'complete',
      '--file',
      path.join(fixture.root, 'src', 'restock.ts'),
      ...CURSOR,
      '--db',
      fixture.db,
      '--model',
      EMBEDDING_MODEL,
    ]);

    for (const result of [asked, completed]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`The model ${EMBEDDING_MODEL} does not write text`);
      expect(result.stderr).toContain('in --model NAME');
    }
    expect(asked.stderr).toContain('Choose a chat model');
    expect(completed.stderr).toContain('Choose a code model');
  });
});
