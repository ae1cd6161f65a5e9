// Builds the extension, the CLI, the indexing worker and the benchmarks into dist/, and the chat
// webview's script into dist/media/. Runtime dependencies stay external: the native parts
// (LanceDB, onnxruntime) and the wasm grammars are loaded from node_modules, which the VSIX ships.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  external: ['vscode'],
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { 'index-worker': 'src/core/indexer/worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { bench: 'test/bench/main.ts' }, outdir: 'dist' },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: true,
    entryPoints: { chat: 'media/chat/main.ts' },
    outdir: 'dist/media',
    logLevel: 'warning',
  },
].filter((build) => Object.values(build.entryPoints).every((entry) => existsSync(entry)));

if (watch) {
  await Promise.all(builds.map(async (build) => (await esbuild.context(build)).watch()));
} else {
  await Promise.all(builds.map((build) => esbuild.build(build)));
}
