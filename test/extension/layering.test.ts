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
        expect(target.startsWith(`src${path.sep}extension`) || target.startsWith('media'), `${file} imports ${specifier}`).toBe(false);
      }
    }
  });

  // The shared modules: the message protocol, and the citation grammar the CLI reads answers by too.
  const shared = [path.join('src', 'extension', 'chat', 'protocol'), path.join('src', 'core', 'chat', 'citation-grammar')];

  it('lets the webview import only its own modules and the shared ones', () => {
    for (const file of sources('media')) {
      for (const specifier of imports(file)) {
        const target = resolved(file, specifier);
        expect(target.startsWith(`media${path.sep}`) || shared.includes(target), `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('keeps the shared modules free of imports, so both sides can use them', () => {
    for (const module of shared) expect(imports(`${module}.ts`)).toEqual([]);
  });

  it('sees the imports it checks', () => {
    expect(imports(path.join('src', 'extension', 'main.ts'))).toContain('vscode');
    expect(imports(path.join('media', 'chat', 'main.ts'))).toContain('../../src/extension/chat/protocol');
  });
});
