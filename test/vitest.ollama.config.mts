import { defineConfig } from 'vitest/config';

// The real-server tier (`npm run test:ollama`): a real Ollama server built from source and a real
// small model (test/support/real-ollama.ts). Files are named *.real.test.ts wherever they live.
// One file at a time: a CPU answers one request at a time, and timings stay meaningful.
export default defineConfig({
  test: {
    root: '.',
    include: ['test/**/*.real.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 300_000,
    // A cold Ollama build (20-30 minutes on two busy cores) happens in the global setup.
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/support/real-ollama-setup.ts'],
  },
});
