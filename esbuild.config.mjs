// Builds the extension, the CLI, the indexing worker and the benchmarks into dist/, and the chat
// webview's script (src/webview) into dist/media/. Runtime dependencies stay external: the native parts
// (LanceDB, onnxruntime) and the wasm grammars are loaded from node_modules, which the VSIX ships.
// transformers.js is the exception (see bundleTransformers).
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * transformers.js and its own small packages are bundled, so that the `sharp` it requires on load
 * (for image models, which RepoSage never runs) is a stub instead of 19 MB of libvips in the VSIX;
 * .vscodeignore leaves the bundled packages out. onnxruntime stays external: its native binding and
 * the backend registry in onnxruntime-common must be the one copy in node_modules. Its CommonJS
 * build is used, which finds onnxruntime-node from the bundle's own folder.
 */
const bundleTransformers = {
  name: 'bundle-transformers',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === 'sharp') return { path: path.resolve('src/core/embedding/sharp-stub.cjs') };
      if (args.path === '@huggingface/transformers') return { path: require.resolve(args.path) };
      if (/^@huggingface\/(jinja|tokenizers)(\/|$)/.test(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const watch = process.argv.includes('--watch');
// `npm run package` bundles the default models into dist/models, so the VSIX works offline from
// the first minute. They come from the cache that test/support/provision-models.mjs fills.
const bundleModels = process.argv.includes('--bundle-models');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  plugins: [bundleTransformers],
  logLevel: 'warning',
};

/**
 * glibc gives each thread that allocates its own malloc arena (up to 8 per core), and LanceDB's and
 * onnxruntime's threads leave each one holding freed memory. Two arenas: measured indexing 36k chunks
 * (stand-in vectors), peak RSS 770 -> 629 MB at the same speed. It must be set before the process
 * starts, hence in the command that starts it (`reposage`, `npx reposage`; not `node dist/cli.js`).
 */
const CLI_SHEBANG = '#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node';

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: CLI_SHEBANG } },
  { ...node, entryPoints: { 'index-worker': 'src/core/indexer/worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { bench: 'test/bench/main.ts' }, outdir: 'dist' },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: true,
    entryPoints: { chat: 'src/webview/main.ts' },
    outdir: 'dist/media',
    logLevel: 'warning',
  },
];

if (watch) {
  await Promise.all(builds.map(async (build) => (await esbuild.context(build)).watch()));
} else {
  await Promise.all(builds.map((build) => esbuild.build(build)));
}
// Runnable through its shebang, as npm's link to the `reposage` bin runs it.
chmodSync('dist/cli.js', 0o755);

// The static embedding tables (src/core/embedding/static-embedder.ts) are read from beside the bundles.
cpSync('src/core/embedding/static-embedding', 'dist/static-embedding', { recursive: true });

if (bundleModels) {
  const cache = process.env.REPOSAGE_MODELS_CACHE ?? path.join(os.homedir(), '.cache', 'reposage', 'models');
  const record = JSON.parse(readFileSync(path.join(cache, 'provisioned.json'), 'utf8'));
  rmSync('dist/models', { recursive: true, force: true });
  for (const model of [record.embedding, record.reranker].filter(Boolean)) {
    cpSync(path.join(record.modelsDir, model.id), path.join('dist/models', model.id), {
      recursive: true,
      filter: (source) => !source.endsWith('.provisioned.json'),
    });
  }
}
