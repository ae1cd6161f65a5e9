import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseContextBlocks } from '../support/ollama-stub';
import { type RealOllama, SMALL_MODEL, startRealOllama } from '../support/real-ollama';
import { type RecordingProxy, replyText, startRecordingProxy } from '../support/recording-proxy';
import { EXTENSION_ID, Session } from './support/session';

/**
 * The chat view answering from a real Ollama server (test/support/real-ollama.ts, built and given its
 * model by the real-server tier, which `npm test` runs first) with a real small model. The model is
 * far too small for good answers: this checks the path, not the prose. The answer is capped the way
 * a user on a CPU would cap it (reposage.chat.maxAnswerTokens) and grounded on two chunks, so the
 * whole file takes a couple of minutes on two busy cores. A proxy between the extension and the
 * server records what was asked and what the server answered.
 */
const MAX_ANSWER_TOKENS = 40;
const TOP_K = 2;
const QUESTION = 'Where does shipping refuse orders larger than the stock on hand?';

describe(`the chat view answering from the real Ollama server (${SMALL_MODEL})`, () => {
  let ollama: RealOllama;
  let proxy: RecordingProxy;
  let session: Session;

  beforeAll(async () => {
    ollama = await startRealOllama({ models: [SMALL_MODEL] });
    proxy = await startRecordingProxy(ollama.url);
    session = await Session.start({
      vsix: inject('vsix'),
      fixture: 'inventory',
      ollamaUrl: proxy.url,
      settings: {
        'reposage.chatModel': SMALL_MODEL,
        'reposage.chat.maxAnswerTokens': MAX_ANSWER_TOKENS,
        'reposage.retrieval.topK': TOP_K,
      },
    });
  });

  afterEach(async ({ task }) => {
    await session?.screenshotIfFailed(task);
  });

  afterAll(async () => {
    await session?.stop(process.env.REPOSAGE_E2E_KEEP === '1');
    await proxy?.close();
    await ollama?.stop();
  });

  it('streams an answer from the model into the panel, with verified sources that open the cited lines', async () => {
    const { workbench } = session;
    await workbench.runCommand('RepoSage: Re-index Workspace');
    await workbench.waitForStatusBar(/RepoSage: \d+ chunks/, 240_000);
    await workbench.runCommand('RepoSage: Open Chat');
    const chat = workbench.webview(EXTENSION_ID);
    await chat.locator('#send', { hasText: 'Send' }).waitFor({ timeout: 60_000 });
    await chat.locator('#question').fill(QUESTION);
    await chat.locator('#question').press('Enter');
    const turn = chat.locator('.turn').filter({ has: chat.locator('.question', { hasText: QUESTION }) });
    await turn.waitFor({ timeout: 30_000 });

    // Sampled while it runs: the wait is named (loading the model, reading the sources) and the answer grows.
    const statuses = new Set<string>();
    const answers = new Set<string>();
    await expect
      .poll(
        async () => {
          const status = turn.locator('.status');
          if (await status.isVisible()) statuses.add(await status.innerText());
          answers.add(await turn.locator('.answer').innerText());
          return turn.getAttribute('aria-busy');
        },
        { timeout: 240_000, interval: 100 },
      )
      .toBe('false');
    await workbench.screenshot('real-model-answered');
    expect([...statuses].join('\n')).toMatch(
      new RegExp(`Loading ${SMALL_MODEL}…|${SMALL_MODEL} is reading \\d+ sources…`),
    );

    // What the extension asked: the capped answer, and at most TOP_K sources, all from the workspace.
    const exchange = proxy.exchanges.filter((candidate) => candidate.path === '/api/chat').at(-1)!;
    const request = exchange.body as { options: { num_predict: number }; messages: Array<{ content: string }> };
    expect(request.options.num_predict).toBe(MAX_ANSWER_TOKENS);
    const blocks = parseContextBlocks(request.messages.at(-1)!.content);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThanOrEqual(TOP_K);

    // What the panel shows is the server's answer, streamed: seen part-way, then whole.
    const reply = replyText(exchange);
    const final = await turn.locator('.answer').innerText();
    expect(final.trim()).not.toBe('');
    expect(shareOfWords(reply, final)).toBeGreaterThanOrEqual(0.5);
    expect([...answers].some((text) => text.trim() !== '' && text.length < final.length)).toBe(true);
    const last = JSON.parse(exchange.reply.trim().split('\n').at(-1)!) as { done_reason?: string };
    if (last.done_reason === 'length')
      expect(await turn.locator('.notice').innerText()).toContain('RepoSage › Chat: Max Answer Tokens');

    // Every source shown was checked against the files on disk, and opens at its lines.
    const sources = turn.locator('.sources li');
    expect(await sources.count()).toBe(blocks.length);
    expect(await turn.locator('.sources .badge.verified').count()).toBe(blocks.length);
    const source = turn.locator('.sources a.source').first();
    const [, file, , endLine] = /^\[\d+\] (\S+):(\d+)-(\d+)$/.exec((await source.innerText()).trim())!;
    await source.click();
    await expect.poll(() => workbench.activeEditorTitle(), { timeout: 30_000 }).toContain(file.split('/').at(-1)!);
    await workbench.waitForStatusBar(new RegExp(`Ln ${endLine}, Col \\d+ \\(\\d+ selected\\)`), 30_000);
  });

  it('stays usable: a second question can be asked and stopped', async () => {
    const { workbench } = session;
    await workbench.runCommand('RepoSage: Open Chat');
    const chat = workbench.webview(EXTENSION_ID);
    await chat.locator('#send', { hasText: 'Send' }).waitFor({ timeout: 60_000 });
    const question = 'Which class keeps the stock levels?';
    await chat.locator('#question').fill(question);
    await chat.locator('#question').press('Enter');
    const turn = chat.locator('.turn').filter({ has: chat.locator('.question', { hasText: question }) });
    await turn.waitFor({ timeout: 30_000 });
    await chat.locator('#question').press('Escape');
    await expect.poll(() => turn.locator('.status').innerText(), { timeout: 30_000 }).toBe('Stopped.');
    await chat.locator('#send', { hasText: 'Send' }).waitFor({ timeout: 30_000 });
    expect(await chat.locator('#question').isEnabled()).toBe(true);
  });
});

/** The share of the reply's words the panel shows: rendering markdown drops its syntax, never the words. */
function shareOfWords(reply: string, shown: string): number {
  const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []);
  const replied = words(reply);
  const visible = words(shown);
  if (replied.size === 0) return 0;
  return [...replied].filter((word) => visible.has(word)).length / replied.size;
}
