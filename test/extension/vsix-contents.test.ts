import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { grammarsInUse } from '../../src/core/languages/registry';
import { buildDist, repoRoot } from '../support/build-dist';

/**
 * What the VSIX takes, as `vsce ls` lists it after .vscodeignore: what the extension loads ships,
 * and what nothing loads does not. The e2e tier runs the packaged VSIX itself.
 */
describe('the files the VSIX ships', () => {
  let files: Set<string>;
  let packed: { file: string; target: string }[];
  beforeAll(() => {
    buildDist();
    // About a minute of brotli the first time; later runs reuse the packed files.
    execFileSync(process.execPath, ['test/support/pack-natives.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    packed = JSON.parse(readFileSync(path.join(repoRoot, 'dist', 'native', 'natives.json'), 'utf8'));
    const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
    files = new Set(
      execFileSync(vsce, ['ls'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
        .split('\n')
        .filter(Boolean),
    );
  }, 300_000);

  it('ships the bundles, the native bindings and a grammar for every language chunked by declaration', () => {
    for (const file of [
      'dist/extension.js',
      'dist/index-worker.js',
      'dist/cli.js',
      'dist/media/chat.js',
      // The static embedding table of the bundled model (STATIC_TABLE_DIR beside the bundles).
      'dist/static-embedding/all-MiniLM-L6-v2.bin',
    ])
      expect(files, file).toContain(file);
    expect(files).toContain('node_modules/@lancedb/lancedb-linux-x64-gnu/package.json');
    expect(files).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node');
    expect(files).toContain('node_modules/web-tree-sitter/tree-sitter.cjs');
    expect(files).toContain('node_modules/web-tree-sitter/tree-sitter.wasm');
    expect(grammarsInUse().length).toBeGreaterThan(10);
    for (const grammar of grammarsInUse()) {
      const wasm = `node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-${grammar}.wasm`;
      expect(files, wasm).toContain(wasm);
    }
  });

  it("ships LanceDB's and onnxruntime's libraries compressed, for the extension to unpack where they load from", () => {
    expect(packed.map((library) => library.target)).toEqual([
      'node_modules/@lancedb/lancedb-linux-x64-gnu/lancedb.linux-x64-gnu.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
    ]);
    expect(files).toContain('dist/native/natives.json');
    for (const library of packed) {
      expect(files, library.file).toContain(`dist/native/${library.file}`);
      expect(files, library.target).not.toContain(library.target);
    }
  });

  it('leaves out what nothing loads: the image library, bundled packages, debug builds, tests, sources, maps', () => {
    const shipped = [...files];
    for (const left of [
      /^node_modules\/(sharp|@img)\//,
      /^node_modules\/@huggingface\//,
      /^node_modules\/(onnxruntime-web|protobufjs|openai|formdata-node|web-streams-polyfill)\//,
      /^node_modules\/web-tree-sitter\/(debug|lib|src)\//,
      /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32)\//,
      /\/(test|tests|__tests__)\//,
      /\.(map|d\.ts)$/,
      /^(src\/(?!style\/recipe\/)|test\/)/,
    ])
      expect(
        shipped.filter((file) => left.test(file)),
        String(left),
      ).toEqual([]);
  });

  it('needs no image library: the bundles carry a stub and require neither sharp nor transformers.js', async () => {
    for (const bundle of ['extension.js', 'index-worker.js', 'cli.js']) {
      const code = await readFile(path.join(repoRoot, 'dist', bundle), 'utf8');
      expect(code, bundle).not.toMatch(/require\("(sharp|@huggingface\/[^"]+|onnxruntime-web)"\)/);
    }
  });
});
