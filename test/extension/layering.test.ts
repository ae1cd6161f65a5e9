import { execFile } from 'node:child_process';
import { promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeTempDir, writeTree } from '../support/temp-dir';

// The layering itself is enforced by the linter (biome.json, noRestrictedImports per folder) in
// `npm run lint`; these tests prove that its rules bite, on probe files laid out like src/.

const repo = path.resolve(__dirname, '..', '..');
const biome = path.join(repo, 'node_modules', '.bin', 'biome');
const run = promisify(execFile);

const FOLDERS = ['core', 'shared', 'cli', 'extension', 'webview'] as const;
type Folder = (typeof FOLDERS)[number];

/** One probe file per import, so each diagnostic names what was imported. */
const IMPORTS: Record<string, string> = {
  vscode: `import * as vscode from 'vscode';\nexport const x = vscode;\n`,
  core: `import { askQuestion } from '../core/chat/ask';\nexport const x = askQuestion;\n`,
  cli: `import { main } from '../cli/main';\nexport const x = main;\n`,
  extension: `import { activate } from '../extension/main';\nexport const x = activate;\n`,
  webview: `import { render } from '../webview/main';\nexport const x = render;\n`,
  shared: `import { citationAt } from '../shared/citation-grammar';\nexport const x = citationAt;\n`,
  own: `import { y } from './neighbour';\nexport const x = y;\n`,
  package: `import ignore from 'ignore';\nexport const x = ignore;\n`,
};

const ALLOWED: Record<Folder, string[]> = {
  core: ['core', 'shared', 'own', 'package'],
  shared: [],
  cli: ['core', 'shared', 'cli', 'own', 'package'],
  extension: ['vscode', 'core', 'shared', 'extension', 'own', 'package'],
  webview: ['shared', 'webview', 'own', 'package'],
};

async function lintProbes(): Promise<Set<string>> {
  const { dir, cleanup } = await makeTempDir('reposage-layering-');
  try {
    const files: Record<string, string> = {};
    for (const folder of FOLDERS) {
      for (const [name, text] of Object.entries(IMPORTS)) {
        // A probe inside a nested folder of its own layer, as real modules are.
        files[`src/${folder}/sub/${name}.ts`] = text.replaceAll("'../", "'../../");
      }
    }
    await writeTree(dir, files);
    await fs.copyFile(path.join(repo, 'biome.json'), path.join(dir, 'biome.json'));
    const result = await run(
      biome,
      [
        'lint',
        '--vcs-enabled=false',
        '--only=style/noRestrictedImports',
        '--reporter=json',
        '--max-diagnostics=none',
        'src',
      ],
      {
        cwd: dir,
      },
    ).catch((error: { stdout: string }) => error);
    const report = JSON.parse(result.stdout) as {
      diagnostics: Array<{ category: string; location: { path: string } }>;
    };
    return new Set(
      report.diagnostics
        .filter((d) => d.category === 'lint/style/noRestrictedImports')
        .map((d) => path.relative('src', d.location.path.replace(/^.*?src\//, 'src/'))),
    );
  } finally {
    await cleanup();
  }
}

describe('layering, as the linter enforces it', () => {
  it('refuses exactly the imports that cross a layer', async () => {
    const refused = await lintProbes();
    for (const folder of FOLDERS) {
      for (const name of Object.keys(IMPORTS)) {
        const probe = path.join(folder, 'sub', `${name}.ts`);
        const allowed = ALLOWED[folder].includes(name) || (name === folder && folder !== 'shared');
        expect(refused.has(probe), `${probe}: ${allowed ? 'should be allowed' : 'should be refused'}`).toBe(!allowed);
      }
    }
  }, 60_000);

  it('leaves only static assets in media/', () => {
    const code = readdirSync(path.join(repo, 'media'), { recursive: true, encoding: 'utf8' }).filter((file) =>
      /\.(ts|js|mjs)$/.test(file),
    );
    expect(code).toEqual([]);
  });
});
