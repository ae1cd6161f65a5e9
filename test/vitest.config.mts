import { defineConfig } from 'vitest/config';

// Core tests use real models, LanceDB on disk and tree-sitter, so they get generous timeouts.
// The end-to-end tier (a real VS Code) has its own config: test/e2e/vitest.config.mts; the
// real-Ollama tier (*.real.test.ts) too: test/vitest.ollama.config.mts.
export default defineConfig({
  test: {
    root: '.',
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/**/*.real.test.ts', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
