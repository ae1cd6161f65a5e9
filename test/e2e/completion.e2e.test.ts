import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultRespond } from '../support/ollama-stub';
import { Session } from './support/session';

/**
 * Inline suggestions in a real VS Code: ghost text from the stand-in model while typing, Tab to
 * accept it, and a failing model shown once in the status bar rather than as notifications.
 */
describe('RepoSage inline suggestions in VS Code', () => {
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

  /** Opens a workspace file through Go to File and puts the cursor on a new last line. */
  async function openAtEnd(relative: string) {
    const { workbench } = session;
    const { page } = workbench;
    await workbench.runCommand('Go to File...');
    const input = page.locator('.quick-input-widget input');
    await input.fill(relative);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relative) })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await expect.poll(() => workbench.activeEditorTitle(), { timeout: 30_000 }).toContain(path.basename(relative));
    await page.locator('.editor-instance .monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+End');
  }

  /** The ghost text the editor shows, joined: it is drawn in pieces, one per syntax token. */
  const ghostText = () =>
    session.workbench.page
      .locator('.editor-instance .monaco-editor .ghost-text-decoration')
      .allInnerTexts()
      .then((parts) => parts.join(''));
  const suggestionsItem = () => session.workbench.page.locator('.statusbar-item', { hasText: 'Suggestions' }).first();

  it('shows ghost text from the completion model while typing, and Tab accepts it', async () => {
    const { workbench, stub } = session;
    const { page } = workbench;
    session.respond = (request) => (request.endpoint === 'generate' ? '14;' : defaultRespond(request));
    await workbench.waitForStatusBar(/Suggestions/, 60_000);
    await openAtEnd('src/reorder.ts');

    await page.keyboard.type('export const DEFAULT_LEAD_TIME_DAYS = ', { delay: 20 });
    await expect.poll(ghostText, { timeout: 60_000 }).toBe('14;');
    await workbench.screenshot('ghost-text');
    // The last request is the one the ghost text answers; a pause while typing may have asked earlier.
    const request = stub.requestsTo('/api/generate').at(-1);
    expect(request?.body).toMatchObject({ model: 'qwen2.5-coder:1.5b-base' });
    expect(request?.body?.prompt as string).toMatch(
      /\/\/ Path: src\/reorder\.ts\n[\s\S]*export const DEFAULT_LEAD_TIME_DAYS = $/,
    );

    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+S');
    const saved = path.join(session.workspace, 'src', 'reorder.ts');
    await expect
      .poll(() => fs.readFile(saved, 'utf8'), { timeout: 30_000 })
      .toMatch(/\nexport const DEFAULT_LEAD_TIME_DAYS = 14;\s*$/);
    await workbench.screenshot('ghost-text-accepted');
  });

  it('shows a missing completion model once in the status bar, not as notifications', async () => {
    const { workbench, stub } = session;
    const { page } = workbench;
    stub.backend.models.delete('qwen2.5-coder:1.5b-base');
    // The test before may still have asked once after its suggestion was accepted.
    const asked = stub.requestsTo('/api/generate').length;
    await openAtEnd('src/stock.ts');
    for (const line of ['export const A = ', 'export const B = ', 'export const C = ']) {
      await page.keyboard.press('Enter');
      await page.keyboard.type(line, { delay: 20 });
      await page.waitForTimeout(800);
    }
    await suggestionsItem().locator('.codicon-warning').waitFor({ timeout: 60_000 });
    await workbench.screenshot('suggestions-failing');
    expect(await page.locator('.notifications-toasts .notification-toast').count()).toBe(0);
    // Held after the first failure: the keystrokes that followed did not each ask the model again.
    expect(stub.requestsTo('/api/generate').length - asked).toBeLessThanOrEqual(2);

    await suggestionsItem().click();
    await page.locator('.quick-input-widget', { hasText: 'What to Do' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
  });
});
