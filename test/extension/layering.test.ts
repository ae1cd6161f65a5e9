import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '..', '..');

function sources(folder: string): string[] {
  return readdirSync(path.join(repo, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(folder, file));
}

/** Module specifiers of a file's imports and re-exports (static and dynamic). */
function imports(file: string): string[] {
  const text = readFileSync(path.join(repo, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)]
    .map((match) => match[1] ?? match[2] ?? match[3]);
}

function resolved(file: string, specifier: string): string {
  return specifier.startsWith('.') ? path.normalize(path.join(path.dirname(file), specifier)) : specifier;
}

describe('layering', () => {
  it('keeps src/core headless: no vscode, no extension, no webview code', () => {
    for (const file of sources('src/core')) {
      for (const specifier of imports(file)) {
        const target = resolved(file, specifier);
        expect(target, `${file} imports ${specifier}`).not.toBe('vscode');
        const shell = ['extension', 'cli', 'webview'].some((folder) => target.startsWith(`src${path.sep}${folder}`));
        expect(shell, `${file} imports ${specifier}`).toBe(false);
      }
    }
  });

  // Modules that import nothing, shared by the extension (or the CLI) and the webview.
  const sharedWithWebview = [path.join('src', 'shared', 'chat-protocol'), path.join('src', 'core', 'chat', 'citation-grammar')];

  it('lets the webview import only its own modules, the shared modules and packages', () => {
    for (const file of sources('src/webview')) {
      for (const specifier of imports(file)) {
        const target = resolved(file, specifier);
        const allowed = target.startsWith(`src${path.sep}webview${path.sep}`) || sharedWithWebview.includes(target) || (!specifier.startsWith('.') && target !== 'vscode');
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('keeps the webview out of the extension', () => {
    for (const file of sources('src/extension')) {
      for (const specifier of imports(file)) {
        expect(resolved(file, specifier).startsWith(`src${path.sep}webview`), `${file} imports ${specifier}`).toBe(false);
      }
    }
  });

  it('keeps the shared modules free of imports, so both sides can use them', () => {
    for (const shared of sharedWithWebview) expect(imports(`${shared}.ts`)).toEqual([]);
  });

  it('leaves only static assets in media/', () => {
    const code = readdirSync(path.join(repo, 'media'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.(ts|js|mjs)$/.test(file));
    expect(code).toEqual([]);
  });

  it('sees the imports it checks', () => {
    expect(imports(path.join('src', 'extension', 'main.ts'))).toContain('vscode');
    expect(imports(path.join('src', 'webview', 'main.ts'))).toContain('../shared/chat-protocol');
  });
});
