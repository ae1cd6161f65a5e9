import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultRespond } from '../support/ollama-stub';
import { EXTENSION_ID, Session } from './support/session';

/**
 * The user journey in a real VS Code: install the VSIX, index a real repository from the
 * palette, ask in the chat view, follow a citation to the cited lines; and a hostile answer stays
 * inert. One code-server for the whole file; the tests run in order and build on each other.
 */
describe('RepoSage in VS Code', () => {
  let session: Session;

  /**
   * Asks in the chat view once its page is live (its script labels the buttons); returns the turn. Questions must
   * differ.
   */
  async function ask(question: string) {
    const chat = session.workbench.webview(EXTENSION_ID);
    const turn = chat
      .locator('.turn')
      .filter({ has: chat.locator('.question', { hasText: question }) })
      .last();
    // Once in CI, a question typed straight after Open Chat (which focuses the view) left the composer empty but
    // never reached the extension or the transcript; the cause is not known. Such a question is typed once more.
    for (let attempt = 1; ; attempt++) {
      await chat.locator('#send', { hasText: 'Send' }).waitFor({ timeout: 60_000 });
      await chat.locator('#question').fill(question);
      await chat.locator('#question').press('Enter');
      try {
        await turn.waitFor({ timeout: 15_000 });
        return turn;
      } catch (error) {
        if (attempt === 2 || (await chat.locator('#question').inputValue()) !== '') throw error;
      }
    }
  }

  /**
   * Waits until the turn's answer is complete, stopped or failed: the page marks it busy until then (its status
   * line shows progress such as "Searching…" before the answer streams, so it cannot tell).
   */
  async function finished(turn: Awaited<ReturnType<typeof ask>>) {
    await expect.poll(() => turn.getAttribute('aria-busy'), { timeout: 120_000 }).toBe('false');
  }

  beforeAll(async () => {
    session = await Session.start({ vsix: inject('vsix'), fixture: 'inventory', tokenDelayMs: 40 });
  });

  afterEach(async ({ task }) => {
    await session?.screenshotIfFailed(task);
  });

  afterAll(async () => {
    await session?.stop(process.env.REPOSAGE_E2E_KEEP === '1');
  });

  it('indexes the workspace from the palette and says so in the status bar', async () => {
    const { workbench } = session;
    await workbench.runCommand('RepoSage: Re-index Workspace');
    const status = await workbench.waitForStatusBar(/RepoSage: \d+ chunks/, 240_000);
    await workbench.screenshot('indexed');
    expect(Number(/(\d+) chunks/.exec(status)![1])).toBeGreaterThan(0);
  });

  it('streams an answer with a citation that opens the cited lines', async () => {
    const { workbench } = session;
    session.respond = defaultRespond;
    await workbench.runCommand('RepoSage: Open Chat');
    const turn = await ask('Where does shipping refuse orders larger than the stock on hand?');

    // Sample the answer while it grows: a streamed answer is seen part-way, not only whole.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = await turn.locator('.answer').innerText();
          seen.add(text);
          return (await turn.getAttribute('aria-busy')) === 'false' ? text : '';
        },
        { timeout: 120_000, interval: 100 },
      )
      .toContain('From the repository');
    await workbench.screenshot('answered');
    const final = await turn.locator('.answer').innerText();
    expect(
      [...seen].some((text) => text.length > 0 && text.length < final.length && final.startsWith(text.trim())),
    ).toBe(true);

    const citation = turn.locator('.answer a.citation').first();
    const n = await citation.getAttribute('data-n');
    const source = await turn.locator('.sources a.source', { hasText: `[${n}] ` }).innerText();
    const [, file, startLine, endLine] = /^\[\d+\] (\S+):(\d+)-(\d+)$/.exec(source.trim())!;
    expect(Number(endLine)).toBeGreaterThanOrEqual(Number(startLine));

    await citation.click();
    const name = file.split('/').at(-1)!;
    await expect.poll(() => workbench.activeEditorTitle(), { timeout: 30_000 }).toContain(name);
    // The cursor ends on the last cited line, with the cited lines selected.
    await workbench.waitForStatusBar(new RegExp(`Ln ${endLine}, Col \\d+ \\(\\d+ selected\\)`), 30_000);
    await workbench.screenshot('citation-opened');
  });

  it('stops a streaming answer on Escape', async () => {
    const { workbench, stub } = session;
    session.respond = () => Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const chat = workbench.webview(EXTENSION_ID);
    const turn = await ask('Tell me everything');
    await expect.poll(() => turn.locator('.answer').innerText(), { timeout: 120_000 }).toContain('word3');
    await chat.locator('#question').press('Escape');
    await expect.poll(() => turn.locator('.status').innerText(), { timeout: 30_000 }).toBe('Stopped.');
    expect(await turn.locator('.answer').innerText()).not.toContain('word399');
    await expect.poll(() => stub.requestsTo('/api/chat').at(-1)?.clientClosed, { timeout: 10_000 }).toBe(true);
  });

  it('highlights a code block, copies it and inserts it at the cursor', async () => {
    const { workbench } = session;
    session.respond = () => 'Use this:\n\n```ts\nconst reorderPoint = 12; // units\n```\n\nIt is checked in [1].';
    await workbench.runCommand('File: New Untitled Text File');
    await workbench.page.locator('.monaco-editor textarea').first().waitFor();
    await workbench.runCommand('RepoSage: Open Chat');
    const turn = await ask('How do I set a reorder point?');
    await finished(turn);

    const block = turn.locator('.code-block');
    await block.locator('.hl-comment').waitFor({ timeout: 60_000 });
    expect(await block.locator('.hl-keyword').allInnerTexts()).toContain('const');
    expect(await block.locator('.hl-comment').allInnerTexts()).toEqual(['// units']);
    await block.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => workbench.clipboardText(), { timeout: 30_000 }).toBe('const reorderPoint = 12; // units');
    await block.getByRole('button', { name: 'Insert at Cursor' }).click();
    await expect
      .poll(() => workbench.activeEditorText(), { timeout: 30_000 })
      .toContain('const reorderPoint = 12; // units');
    await workbench.screenshot('code-inserted');
  });

  it('offers to pull a missing chat model, and answers once it is pulled', async () => {
    const { workbench, stub } = session;
    session.respond = defaultRespond;
    stub.backend.models.delete('qwen2.5-coder:7b');
    const failed = await ask('Which class keeps the stock levels?');
    await finished(failed);
    expect(await failed.locator('.status.error').innerText()).toContain('qwen2.5-coder:7b is not installed');

    const toast = workbench.page.locator('.notifications-toasts .notification-toast', {
      hasText: 'qwen2.5-coder:7b is not installed',
    });
    await toast.getByRole('button', { name: 'Pull Model' }).click();
    await workbench.page
      .locator('.notifications-toasts', { hasText: 'Ready: qwen2.5-coder:7b.' })
      .waitFor({ timeout: 60_000 });
    expect(stub.requestsTo('/api/pull')).toHaveLength(1);
    await workbench.screenshot('model-pulled');

    const answered = await ask('Which class keeps the stock levels, now?');
    await finished(answered);
    expect(await answered.locator('.answer').innerText()).toContain('From the repository');
  });

  it('evaluates retrieval on a golden set and opens the report rendered, with a recall chart', async () => {
    const { workbench } = session;
    const { page } = workbench;
    // Outside the workspace, so the golden set is not indexed itself.
    const golden = path.join(path.dirname(session.workspace), 'golden.jsonl');
    await fs.writeFile(
      golden,
      [
        {
          id: 'ship',
          question: 'Where is shipping more than is on hand refused?',
          expected: [{ path: 'src/stock.ts', startLine: 14, endLine: 18 }],
        },
        { id: 'forecast', question: 'How is next month demand forecast?', expected: [{ path: 'scripts/forecast.py' }] },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    await workbench.runCommand('RepoSage: Run Retrieval Evaluation');
    // code-server's own file picker: a quick input that takes a path. It fills in the starting
    // folder itself, a moment after it opens; type over it only then.
    const input = page.locator('.quick-input-widget input');
    await expect.poll(() => input.inputValue(), { timeout: 30_000 }).toMatch(/inventory\/?$/);
    await input.fill(golden);
    // It ignores OK while it still checks the typed path; press until it closes.
    await expect
      .poll(
        async () => {
          if (await input.isVisible())
            await page
              .locator('.quick-input-widget .monaco-button', { hasText: 'OK' })
              .click({ timeout: 2_000 })
              .catch(() => undefined);
          return input.isVisible();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(false);
    // VS Code's markdown preview: headings, tables and the chart rendered, not markdown source.
    const preview = workbench.webview('vscode.markdown-language-features');
    await expect
      .poll(() => preview.locator('h1').first().textContent(), { timeout: 120_000 })
      .toBe('Retrieval evaluation: golden.jsonl on inventory');
    expect(await preview.locator('body').textContent()).toContain('2 questions');
    expect(await preview.locator('table').count()).toBe(3);
    expect(await preview.locator('table').first().locator('th').allInnerTexts()).toEqual([
      'metric',
      'bm25',
      'dense',
      'hybrid',
    ]);
    expect(await preview.locator('pre').first().textContent()).toMatch(/^recall@1\s+bm25\s+[█░]{20}\s+\d\.\d{3}$/m);
    await workbench.screenshot('evaluation-report');
  });

  it('renders a table, a nested list and a task list from the answer', async () => {
    const { workbench } = session;
    session.respond = () =>
      [
        'Stock rules [1]:',
        '',
        '| item | reorder at |',
        '| :--- | ---: |',
        '| bolts | **12** |',
        '| nuts | ~~8~~ 10 |',
        '',
        '- Warehouse',
        '  1. count stock',
        '  2. reorder',
        '- [x] checked',
      ].join('\n');
    const turn = await ask('What are the stock rules?');
    await finished(turn);
    const answer = turn.locator('.answer');
    await answer.locator('li.task').waitFor({ timeout: 60_000 });
    expect(await answer.locator('table th').allInnerTexts()).toEqual(['item', 'reorder at']);
    expect(await answer.locator('table tbody tr').count()).toBe(2);
    expect(await answer.locator('table td strong').innerText()).toBe('12');
    expect(await answer.locator('table td del').innerText()).toBe('8');
    expect(await answer.locator('ul > li > ol > li').allInnerTexts()).toEqual(['count stock', 'reorder']);
    expect(await answer.locator('li.task input[type=checkbox]').isChecked()).toBe(true);
    expect(await answer.locator('a.citation').count()).toBe(1);
    await workbench.screenshot('table-answer');
  });

  it('renders a hostile answer as inert text', async () => {
    const { workbench } = session;
    session.respond = () =>
      [
        'Here is the fix <script>document.title = "pwned-script"</script>',
        '<img src="x" onerror="document.title = \'pwned-img\'">',
        '[click me](javascript:document.title=\'pwned-link\') and <a href="javascript:alert(1)">this</a>',
      ].join('\n\n');
    const chat = workbench.webview(EXTENSION_ID);
    const turn = await ask('Show me something dangerous');
    await finished(turn);
    const answer = turn.locator('.answer');
    await workbench.screenshot('hostile-answer');

    expect(await answer.innerText()).toContain('<script>document.title = "pwned-script"</script>');
    expect(await answer.locator('script, img, iframe, [onerror], [onclick]').count()).toBe(0);
    // The same inside a table and a nested list.
    session.respond = () =>
      [
        '| a | b |',
        '| - | - |',
        '| <img src=x onerror="document.title=1"> | [x](javascript:alert(2)) |',
        '',
        '- one',
        '  - <script>document.title="pwned-list"</script>',
      ].join('\n');
    const nested = (await ask('And in a table?')).locator('.answer');
    await expect.poll(() => nested.innerText(), { timeout: 60_000 }).toContain('pwned-list');
    expect(await nested.locator('script, img, iframe, [onerror], [onclick]').count()).toBe(0);
    expect(await nested.locator('a[href^="javascript"]').count()).toBe(0);
    const hrefs = await answer
      .locator('a[href]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    for (const href of hrefs) expect(href).toMatch(/^(#|https?:\/\/)/);
    await answer.getByText('click me').click();
    const title = await chat
      .locator('body')
      .evaluate((body) => (body as unknown as { ownerDocument: { title: string } }).ownerDocument.title);
    expect(title).not.toMatch(/pwned/);
  });

  // Last on purpose: once in a CI run (not again in four reruns), the window reloaded here sent every
  // later chat request to the default Ollama host instead of the configured one, failing the tests after it.
  it('keeps the conversation across a window reload', async () => {
    const { workbench } = session;
    await workbench.reloadWindow();
    await workbench.waitForStatusBar(/RepoSage: \d+ chunks/, 120_000);
    await workbench.runCommand('RepoSage: Open Chat');
    const chat = await workbench.liveWebview(EXTENSION_ID, '#send:has-text("Send")');
    const questions = chat.locator('.turn .question');
    await expect
      .poll(() => questions.allInnerTexts(), { timeout: 60_000 })
      .toEqual([
        'Where does shipping refuse orders larger than the stock on hand?',
        'Tell me everything',
        'How do I set a reorder point?',
        'Which class keeps the stock levels?',
        'Which class keeps the stock levels, now?',
        'What are the stock rules?',
        'Show me something dangerous',
        'And in a table?',
      ]);
  });
});
