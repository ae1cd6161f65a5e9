import { describe, expect, it } from 'vitest';
import { highlight, type Token } from '../../src/webview/highlight';

const scoped = (tokens: Token[], scope: string) => tokens.filter((t) => t.scope === scope).map((t) => t.text);

describe('highlight', () => {
  it('colours TypeScript by highlight.js scopes', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source with a template literal.
    const tokens = highlight('const n = 42; // answer\nreturn `a${n}` + "b";', 'ts');
    expect(scoped(tokens, 'keyword')).toEqual(['const', 'return']);
    expect(scoped(tokens, 'number')).toEqual(['42']);
    expect(scoped(tokens, 'comment')).toEqual(['// answer']);
    expect(scoped(tokens, 'string')).toContain('"b"');
  });

  it('knows Python docstrings, comments and definitions', () => {
    const tokens = highlight('def f():\n    """doc\n    more"""\n    return None  # done', 'python');
    expect(scoped(tokens, 'keyword')).toEqual(['def', 'return']);
    expect(scoped(tokens, 'string')).toEqual(['"""doc\n    more"""']);
    expect(scoped(tokens, 'comment')).toEqual(['# done']);
    expect(scoped(tokens, 'title.function')).toEqual(['f']);
  });

  it('leaves unknown languages plain', () => {
    expect(highlight('if x then y', 'brainfuck-ish')).toEqual([{ text: 'if x then y' }]);
    expect(highlight('if x then y', '')).toEqual([{ text: 'if x then y' }]);
  });

  it('always gives back exactly the input, even unterminated or odd code', () => {
    const samples = [
      '"unterminated',
      "'a\\'b",
      '/* open',
      'x = 1e10 + 0xff',
      '<script>alert(1)</script>',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source with a template literal.
      '`${`nested`}`',
      '',
    ];
    for (const language of ['ts', 'python', 'go', 'bash', 'ruby', 'html', 'unknown']) {
      for (const code of samples)
        expect(
          highlight(code, language)
            .map((t) => t.text)
            .join(''),
          `${language}: ${code}`,
        ).toBe(code);
    }
  });
});
