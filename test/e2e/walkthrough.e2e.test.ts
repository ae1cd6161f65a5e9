import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXTENSION_ID, Session } from './support/session';

/**
 * The getting-started walkthrough on the Welcome page, as a newcomer follows it: its steps in
 * order, Pull Models pulling both models through the server, Re-index Workspace indexing, Open
 * Chat opening the chat view; each step checked off once done. Then the index it built is damaged
 * on disk, and the status bar and the chat view say so alike until a re-index repairs it.
 */
describe('the RepoSage walkthrough in VS Code', () => {
  let session: Session;

  beforeAll(async () => {
    session = await Session.start({ vsix: inject('vsix'), fixture: 'inventory' });
  });

  afterEach(async ({ task }) => {
    await session?.screenshotIfFailed(task);
  });

  afterAll(async () => {
    await session?.stop(process.env.REPOSAGE_E2E_KEEP === '1');
  });

  const step = (title: string) =>
    session.workbench.page.locator('.getting-started-step', {
      has: session.workbench.page.locator('.step-title', { hasText: title }),
    });

  /** Whether the walkthrough has checked the step off. */
  async function done(title: string): Promise<boolean> {
    const element = step(title);
    return (
      /\bcomplete\b/.test((await element.getAttribute('class')) ?? '') ||
      (await element.getAttribute('aria-checked')) === 'true'
    );
  }

  /** Expands a step and presses the button its description carries. */
  async function press(stepTitle: string, button: string): Promise<void> {
    await step(stepTitle).click();
    await step(stepTitle).locator('.monaco-button, a', { hasText: button }).first().click();
  }

  it('opens from the Welcome page with its steps in order', async () => {
    const { workbench } = session;
    const { page } = workbench;
    await workbench.runCommand('Welcome: Open Walkthrough...');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with RepoSage' })
      .first()
      .click({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('.getting-started-step .step-title').allInnerTexts(), { timeout: 60_000 })
      .toEqual(['Install Ollama', 'Pull the models', 'Index the workspace', 'Ask a first question', 'Open a citation']);
    await workbench.screenshot('walkthrough');
  });

  it('pulls both models through the configured server, with progress', async () => {
    const { workbench, stub } = session;
    stub.backend.models.delete('qwen2.5-coder:7b');
    stub.backend.models.delete('qwen2.5-coder:1.5b-base');
    await press('Pull the models', 'Pull Models');
    await workbench.page
      .locator('.notifications-toasts', { hasText: 'Ready: qwen2.5-coder:7b, qwen2.5-coder:1.5b-base.' })
      .waitFor({ timeout: 60_000 });
    expect(stub.requestsTo('/api/pull').map((request) => request.body?.model ?? request.body?.name)).toEqual([
      'qwen2.5-coder:7b',
      'qwen2.5-coder:1.5b-base',
    ]);
    await expect.poll(() => done('Pull the models'), { timeout: 30_000 }).toBe(true);
  });

  it('indexes the workspace from its step, and checks the step off', async () => {
    const { workbench } = session;
    await press('Index the workspace', 'Re-index Workspace');
    await workbench.waitForStatusBar(/RepoSage: \d+ chunks/, 240_000);
    await expect.poll(() => done('Index the workspace'), { timeout: 30_000 }).toBe(true);
  });

  it('opens the chat view from its step, ready for a question', async () => {
    const { workbench } = session;
    await press('Ask a first question', 'Open Chat');
    const chat = workbench.webview(EXTENSION_ID);
    await chat.locator('#send', { hasText: 'Send' }).waitFor({ timeout: 60_000 });
    expect(await chat.locator('#question').isDisabled()).toBe(false);
    await expect.poll(() => done('Ask a first question'), { timeout: 30_000 }).toBe(true);
    await workbench.screenshot('walkthrough-done');
  });

  it('shows a damaged index alike in the status bar and the chat view, and a re-index repairs it', async () => {
    const { workbench } = session;
    // The index lives in the workspace storage of the test's own user-data folder.
    const userData = path.join(path.dirname(session.workspace), 'user-data');
    const entries = await fs.readdir(userData, { recursive: true });
    const data = entries.filter((entry) => entry.endsWith(path.join('chunks.lance', 'data')));
    expect(data).toHaveLength(1);
    for (const file of await fs.readdir(path.join(userData, data[0]))) await fs.rm(path.join(userData, data[0], file));

    await workbench.reloadWindow();
    await workbench.waitForStatusBar(/RepoSage: index damaged/, 120_000);
    await workbench.runCommand('RepoSage: Open Chat');
    const chat = await workbench.liveWebview(EXTENSION_ID, '#send:has-text("Send")');
    await expect
      .poll(() => chat.locator('#banner').textContent(), { timeout: 60_000 })
      .toMatch(
        /The index is damaged \(.*data files are missing.*\)\. Run "RepoSage: Re-index Workspace" to repair it\./,
      );
    expect(await chat.locator('#question').isDisabled()).toBe(true);
    await workbench.screenshot('index-damaged');

    await workbench.runCommand('RepoSage: Re-index Workspace');
    await workbench.waitForStatusBar(/RepoSage: \d+ chunks/, 240_000);
    await expect.poll(() => chat.locator('#banner').isHidden(), { timeout: 30_000 }).toBe(true);
    expect(await chat.locator('#question').isDisabled()).toBe(false);
  });
});
