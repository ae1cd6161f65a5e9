import { defineConfig } from 'vitest/config';

// The end-to-end tier: the packaged extension in a real VS Code (code-server) driven through
// headless Chromium. Needs test/e2e/install-code-server.sh and provisioned models. Test files run
// one at a time: each starts its own code-server, which takes a CPU core or two.
export default defineConfig({
  test: {
    root: '.',
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/e2e/support/global-setup.ts'],
  },
});
