import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { askQuestion, type AskDeps } from '../../src/core/chat/ask';
import { SYSTEM_PROMPT } from '../../src/core/chat/prompt';
import type { AskEvent } from '../../src/core/chat/types';
import { OllamaClient } from '../../src/core/ollama';
import { parseContextBlocks, startOllamaStub, type OllamaStub, type OllamaStubOptions } from '../support/ollama-stub';
import { makeTempDir, writeTree } from '../support/temp-dir';
import { FIXTURE_FILES, FixedRetriever, chunkOf, collect, finalOf } from './fixture';

/** What the tests read of a request to Ollama's /api/chat. */
interface ChatRequestBody {
  keep_alive?: string;
  options: { num_ctx: number };
}

const MODEL = 'qwen2.5-coder:7b';
const QUESTION = 'How is the server port chosen?';

describe('askQuestion against a stand-in Ollama server', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let stub: OllamaStub | undefined;
  let retriever: FixedRetriever;

  beforeEach(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = temp.dir;
    await writeTree(root, FIXTURE_FILES);
    // In re-ranked order: the server first, then the parser it calls.
    retriever = new FixedRetriever([
      await chunkOf(root, 'src/server.ts', 3, 7),
      await chunkOf(root, 'src/config.ts', 3, 7),
    ]);
  });
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
    await cleanup();
  });

  /** A stub with the model already in memory, unless `cold`: most tests are about one answer, not loading. */
  async function deps(
    options: OllamaStubOptions & { cold?: boolean } = {},
    client: Partial<ConstructorParameters<typeof OllamaClient>[0]> = {},
  ): Promise<AskDeps> {
    stub = await startOllamaStub(options);
    if (!options.cold) stub.backend.loaded.add(MODEL);
    return { retriever, ollama: new OllamaClient({ host: stub.url, ...client }), model: MODEL, root };
  }

  function chatRequests(): Array<{
    messages: Array<{ role: string; content: string }>;
    options: Record<string, unknown>;
    stream: boolean;
  }> {
    return stub!.requestsTo('/api/chat').map((request) => request.body as never);
  }

  it('puts the re-ranked context, numbered with paths and lines, right before the question', async () => {
    const events = await collect(askQuestion({ question: QUESTION }, { ...(await deps()), rerankCandidates: 12 }));

    const [request] = chatRequests();
    expect(chatRequests()).toHaveLength(1); // a first question is searched as asked, without condensing
    expect(request.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request.messages[0].content).toBe(SYSTEM_PROMPT);
    const last = request.messages[1].content;
    expect(parseContextBlocks(last)).toEqual([
      { n: 1, path: 'src/server.ts', startLine: 3, endLine: 7 },
      { n: 2, path: 'src/config.ts', startLine: 3, endLine: 7 },
    ]);
    expect(last).toContain(
      '[1] src/server.ts:3-7\n```typescript\n/** Starts the HTTP server on the configured port. */\n',
    );
    expect(last.indexOf('[2] src/config.ts:3-7')).toBeGreaterThan(last.indexOf('[1] src/server.ts:3-7'));
    expect(last.endsWith(`}\n\`\`\`\n\nQuestion: ${QUESTION}`)).toBe(true);
    // The model reports 32768 tokens; the window asked for is capped, and so is the answer.
    expect(request.options).toEqual({ num_ctx: 8192, num_predict: 1024 });
    expect(retriever.queries).toEqual([QUESTION]);
    expect(retriever.options).toMatchObject([{ k: 8, rerankCandidates: 12 }]);

    expect(events[1]).toEqual({ type: 'status', stage: 'reading-sources', model: MODEL, sources: 2 });
    expect(events[0]).toMatchObject({
      type: 'retrieval',
      query: QUESTION,
      sources: [
        { n: 1, path: 'src/server.ts' },
        { n: 2, path: 'src/config.ts' },
      ],
    });
    const deltas = events.filter((e): e is Extract<AskEvent, { type: 'delta' }> => e.type === 'delta');
    expect(deltas.length).toBeGreaterThan(3);
    const final = finalOf(events);
    expect(final.answer).toBe(deltas.map((d) => d.text).join(''));
    expect(final.answer).toBe('From the repository: src/server.ts lines 3-7 [1], src/config.ts lines 3-7 [2].');
    expect(final.model).toBe(MODEL);
    expect(final.timings.first_token_ms).toBeGreaterThanOrEqual(final.timings.retrieval_ms);
    expect(final.timings.total_ms).toBeGreaterThanOrEqual(final.timings.first_token_ms!);
    expect(final.truncated).toBeUndefined();
  });

  it('verifies the cited sources, and flags one whose lines changed on disk since indexing', async () => {
    const ask = await deps();
    const before = finalOf(await collect(askQuestion({ question: QUESTION }, ask)));
    expect(before.citations).toEqual([
      { n: 1, path: 'src/server.ts', startLine: 3, endLine: 7, verified: true },
      { n: 2, path: 'src/config.ts', startLine: 3, endLine: 7, verified: true },
    ]);

    // The index still holds the old chunk; the file now has a new default port.
    const configPath = path.join(root, 'src/config.ts');
    await fs.writeFile(configPath, (await fs.readFile(configPath, 'utf8')).replace('8080', '3000'));
    const after = finalOf(await collect(askQuestion({ question: QUESTION }, ask)));

    expect(after.citations[0]).toEqual({ n: 1, path: 'src/server.ts', startLine: 3, endLine: 7, verified: true });
    expect(after.citations[1]).toEqual({
      n: 2,
      path: 'src/config.ts',
      startLine: 3,
      endLine: 7,
      verified: false,
      reason: 'lines 3-7 changed since they were indexed',
    });
  });

  it('lists the sources shown even when the answer cites none', async () => {
    const final = finalOf(
      await collect(
        askQuestion({ question: QUESTION }, await deps({ respond: () => 'The port comes from the config.' })),
      ),
    );

    expect(final.citations).toEqual([]);
    expect(final.sources.map((s) => [s.n, s.path, s.verified])).toEqual([
      [1, 'src/server.ts', true],
      [2, 'src/config.ts', true],
    ]);
  });

  it('loads a cold model as its own step, saying so, with the window the answer will use', async () => {
    const ask = await deps({ cold: true });

    const events = await collect(askQuestion({ question: QUESTION }, ask));
    const again = await collect(askQuestion({ question: QUESTION }, ask));

    const statuses = events.filter((event) => event.type === 'status');
    expect(statuses).toEqual([
      { type: 'status', stage: 'loading-model', model: MODEL },
      { type: 'status', stage: 'reading-sources', model: MODEL, sources: 2 },
    ]);
    const [load, answer] = stub!.requestsTo('/api/chat').map((request) => request.body as unknown as ChatRequestBody);
    expect(load).toMatchObject({ model: MODEL, messages: [], stream: false, keep_alive: '30m' });
    expect(load.options.num_ctx).toBe(answer.options.num_ctx);
    expect(answer.keep_alive).toBe('30m');
    // Loaded now: the next question does not wait for it.
    expect(again.filter((event) => event.type === 'status').map((event) => (event as { stage: string }).stage)).toEqual(
      ['reading-sources'],
    );
    // Described once for both questions.
    expect(stub!.requestsTo('/api/show')).toHaveLength(1);
  });

  it('marks the editor selection as such, without a number to cite', async () => {
    const selection = {
      path: 'docs/guide.md',
      startLine: 3,
      endLine: 3,
      text: 'Run `npm start` to start the server on port 8080.',
    };

    await collect(askQuestion({ question: 'Is this right?', selection }, await deps()));

    const last = chatRequests()[0].messages.at(-1)!.content;
    expect(last).toContain('Selected by the user in the editor, docs/guide.md:3-3:\n```markdown\nRun `npm start`');
    expect(parseContextBlocks(last).map((b) => b.path)).toEqual(['src/server.ts', 'src/config.ts']);
    expect(last.indexOf('Selected by the user')).toBeGreaterThan(last.indexOf('[2] src/config.ts'));
    expect(last.endsWith('Question: Is this right?')).toBe(true);
  });

  it('condenses a follow-up with the history and searches with the standalone question', async () => {
    const history = [
      { role: 'user' as const, content: 'What does parseConfig do?' },
      { role: 'assistant' as const, content: 'It parses the config file and fills in defaults [1].' },
    ];
    const condensed = 'Where is parseConfig called?';
    const ask = await deps({
      respond: (request) =>
        request.endpoint === 'chat' && request.messages[0].content.includes('standalone question')
          ? `"${condensed}"`
          : 'From startServer [1].',
    });

    const events = await collect(askQuestion({ question: 'Where is it called?', history }, ask));

    expect(retriever.queries).toEqual([condensed]);
    expect(events[0]).toMatchObject({ type: 'retrieval', query: condensed });
    const [condense, answer] = chatRequests();
    expect(condense.stream).toBe(false);
    expect(condense.messages.at(-1)!.content).toContain('User: What does parseConfig do?');
    expect(condense.messages.at(-1)!.content).toContain('Last question: Where is it called?');
    // The answer sees the conversation, then the context with the question as the user asked it.
    expect(answer.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(answer.messages[1].content).toBe('What does parseConfig do?');
    expect(answer.messages.at(-1)!.content.endsWith('Question: Where is it called?')).toBe(true);
    expect(answer.options.num_ctx).toBe(condense.options.num_ctx);
    expect(finalOf(events).answer).toBe('From startServer [1].');
  });

  it('searches with the raw question when condensing fails', async () => {
    const ask = await deps();
    stub!.failNext({ status: 500, error: 'out of memory', path: '/api/chat' });

    const final = finalOf(
      await collect(
        askQuestion(
          {
            question: 'And its default?',
            history: [
              { role: 'user', content: 'What is the port?' },
              { role: 'assistant', content: '8080.' },
            ],
          },
          ask,
        ),
      ),
    );

    expect(retriever.queries).toEqual(['And its default?']);
    expect(final.citations).toHaveLength(2);
  });

  it('drops the oldest history first when it does not fit the window', async () => {
    const long = 'a long earlier answer '.repeat(400);
    const history = [
      { role: 'user' as const, content: 'first question' },
      { role: 'assistant' as const, content: long },
      { role: 'user' as const, content: 'second question' },
      { role: 'assistant' as const, content: 'short answer' },
    ];
    const ask = await deps({ models: [{ name: MODEL, contextLength: 4096 }], respond: () => 'Standalone.' });

    await collect(askQuestion({ question: 'third question', history }, ask));

    const answer = chatRequests().at(-1)!;
    expect(answer.messages.map((m) => m.content).slice(1, -1)).toEqual(['second question', 'short answer']);
    expect(answer.options).toEqual({ num_ctx: 4096, num_predict: 1024 });
  });

  it('flags an answer that stopped at the token limit', async () => {
    const ask = await deps({
      models: [{ name: MODEL, contextLength: 1024 }],
      respond: () => 'word '.repeat(300),
      chunkDelayMs: 0,
    });

    const final = finalOf(await collect(askQuestion({ question: QUESTION }, ask)));

    expect(final.truncated).toBe(true);
    expect(final.answer.trim().split(' ')).toHaveLength(256);
  });

  describe('failures surface with their code and hint', () => {
    async function failure(events: AsyncIterable<AskEvent>) {
      return collect(events).then(
        () => {
          throw new Error('expected the question to fail');
        },
        (error) => error,
      );
    }

    it('server down: OLLAMA_UNREACHABLE, before any retrieval', async () => {
      const ask = await deps();
      await stub!.close();
      stub = undefined;

      const error = await failure(askQuestion({ question: QUESTION }, ask));

      expect(error).toMatchObject({ code: 'OLLAMA_UNREACHABLE' });
      expect(error.hint).toContain('ollama serve');
      expect(retriever.queries).toEqual([]);
    });

    it('model missing: OLLAMA_MODEL_MISSING, naming the pull command', async () => {
      const ask = { ...(await deps()), model: 'llama3.2:3b' };

      const error = await failure(askQuestion({ question: QUESTION }, ask));

      expect(error).toMatchObject({ code: 'OLLAMA_MODEL_MISSING' });
      expect(error.hint).toContain('ollama pull llama3.2:3b');
      expect(retriever.queries).toEqual([]);
    });

    it('an answer that stalls midway: OLLAMA_TIMEOUT', async () => {
      const ask = await deps({}, { timeouts: { stallMs: 200 } });
      stub!.stallNext(5_000, { path: '/api/chat', afterChunks: 2 });

      const error = await failure(askQuestion({ question: QUESTION }, ask));

      expect(error).toMatchObject({ code: 'OLLAMA_TIMEOUT' });
      expect(error.hint).toMatch(/try again/i);
    });

    it('stream cut short: OLLAMA_RESPONSE_CUT, after the text that came', async () => {
      const ask = await deps();
      stub!.cutNext(3, { path: '/api/chat', abrupt: true });
      const seen: AskEvent[] = [];

      const error = await failure(
        (async function* () {
          for await (const event of askQuestion({ question: QUESTION }, ask)) yield seen[seen.push(event) - 1];
        })(),
      );

      expect(error).toMatchObject({ code: 'OLLAMA_RESPONSE_CUT' });
      expect(error.hint).toContain('Ollama server');
      expect(seen.filter((e) => e.type === 'delta')).toHaveLength(3);
      expect(seen.some((e) => e.type === 'final')).toBe(false);
    });
  });

  it('stops the stream when cancelled, and the server sees the connection close', async () => {
    const ask = await deps({ respond: () => 'word '.repeat(200), chunkDelayMs: 10 });
    const controller = new AbortController();
    let deltas = 0;

    const run = (async () => {
      for await (const event of askQuestion({ question: QUESTION }, ask, controller.signal)) {
        if (event.type === 'delta' && ++deltas === 2) controller.abort();
      }
    })();

    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(deltas).toBe(2);
    await vi.waitFor(() => expect(stub!.requestsTo('/api/chat')[0].clientClosed).toBe(true));
  });

  it('closes the request when the reader stops early', async () => {
    const ask = await deps({ respond: () => 'word '.repeat(200), chunkDelayMs: 10 });

    for await (const event of askQuestion({ question: QUESTION }, ask)) if (event.type === 'delta') break;

    await vi.waitFor(() => expect(stub!.requestsTo('/api/chat')[0].clientClosed).toBe(true));
  });
});
