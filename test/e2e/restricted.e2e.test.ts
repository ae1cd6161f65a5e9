import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXTENSION_ID, Session } from './support/session';

/** An untrusted workspace: RepoSage indexes nothing, sends nothing, and says why. */
describe('RepoSage in an untrusted workspace', () => {
  let session: Session;

  beforeAll(async () => {
    session = await Session.start({
      vsix: inject('vsix'),
      fixture: 'inventory',
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
    });
  });

  afterEach(async ({ task }) => {
    await session?.screenshotIfFailed(task);
  });

  afterAll(async () => {
    await session?.stop(process.env.REPOSAGE_E2E_KEEP === '1');
  });

  it('shows the restricted state and refuses to index or answer', async () => {
    const { workbench } = session;
    await workbench.waitForStatusBar(/RepoSage: restricted/, 60_000);

    await workbench.runCommand('RepoSage: Re-index Workspace');
    await workbench.page
      .locator('.notifications-toasts', { hasText: 'untrusted workspace' })
      .waitFor({ timeout: 30_000 });

    await workbench.runCommand('RepoSage: Open Chat');
    const banner = workbench.webview(EXTENSION_ID).locator('#banner');
    await expect.poll(() => banner.innerText(), { timeout: 30_000 }).toContain('untrusted workspace');
    // The input is off and says why, rather than looking ready.
    const input = workbench.webview(EXTENSION_ID).locator('#question');
    expect(await input.isDisabled()).toBe(true);
    expect(await input.getAttribute('placeholder')).toContain('untrusted workspace');
    await workbench.screenshot('restricted');

    expect(session.stub.requests).toEqual([]);
  });
});
