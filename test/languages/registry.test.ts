import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultWasmDir } from '../../src/core/languages/parse';
import { commentFor, grammarFor, isProgram, languageForPath } from '../../src/core/languages/registry';

describe('languageForPath', () => {
  it.each([
    ['src/a.ts', 'typescript'],
    ['lib/types.d.ts', 'typescript'],
    ['src/App.tsx', 'typescriptreact'],
    ['index.mjs', 'javascript'],
    ['legacy.cjs', 'javascript'],
    ['View.jsx', 'javascriptreact'],
    ['app/models.py', 'python'],
    ['main.go', 'go'],
    ['src/lib.rs', 'rust'],
    ['Main.java', 'java'],
    ['Program.cs', 'csharp'],
    ['parser.c', 'c'],
    ['parser.h', 'c'],
    ['engine.hpp', 'cpp'],
    ['index.php', 'php'],
    ['build.ps1', 'powershell'],
    ['Rakefile', 'ruby'],
    ['scripts/setup.sh', 'shellscript'],
    ['site.css', 'css'],
    ['setup.cfg', 'ini'],
    ['README.md', 'markdown'],
    ['notes.txt', 'plaintext'],
    ['package.json', 'json'],
    ['ci.yml', 'yaml'],
    ['Cargo.toml', 'toml'],
    ['index.html', 'html'],
    ['Dockerfile', 'dockerfile'],
    ['C:\\work\\src\\A.TS', 'typescript'],
  ])('%s is %s', (file, language) => {
    expect(languageForPath(file)).toBe(language);
  });

  it('knows nothing of files without a known name or extension', () => {
    expect(languageForPath('LICENSE')).toBeUndefined();
    expect(languageForPath('data.bin')).toBeUndefined();
  });
});

describe('grammars', () => {
  it('uses every grammar @vscode/tree-sitter-wasm ships that parses a file type', () => {
    const shipped = readdirSync(defaultWasmDir())
      .map((file) => /^tree-sitter-(.+)\.wasm$/.exec(file)?.[1])
      .filter((grammar): grammar is string => grammar !== undefined && grammar !== 'regex');
    const files = [
      'a.sh',
      'a.cs',
      'a.cpp',
      'a.css',
      'a.go',
      'a.ini',
      'a.java',
      'a.js',
      'a.php',
      'a.ps1',
      'a.py',
      'a.rb',
      'a.rs',
      'a.tsx',
      'a.ts',
    ];
    const used = new Set(files.map((file) => grammarFor(languageForPath(file)!)));
    expect([...used].sort()).toEqual(shipped.sort());
  });

  it('has no grammar for text formats, which the text splitter handles', () => {
    for (const language of ['markdown', 'json', 'yaml', 'plaintext', 'html'])
      expect(grammarFor(language)).toBeUndefined();
  });

  it('starts headers with the language line comment', () => {
    expect(commentFor('python')).toBe('#');
    expect(commentFor('typescript')).toBe('//');
    expect(commentFor('json')).toBeUndefined();
  });

  it('counts as program code the parsed languages other than styles and configuration', () => {
    expect(['python', 'typescript', 'c', 'shellscript'].filter(isProgram)).toEqual([
      'python',
      'typescript',
      'c',
      'shellscript',
    ]);
    expect(['css', 'ini', 'kotlin', 'markdown', 'json'].filter(isProgram)).toEqual([]);
  });
});
