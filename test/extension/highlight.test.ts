import { describe, expect, it } from 'vitest';
import { highlight, type Token } from '../../src/webview/highlight';

const kinds = (tokens: Token[], kind: Token['kind']) => tokens.filter((t) => t.kind === kind).map((t) => t.text);

describe('highlight', () => {
  it('finds keywords, strings, comments and numbers in TypeScript', () => {
    const tokens = highlight('const n = 42; // answer\nreturn `a${n}` + "b";', 'ts');
    expect(kinds(tokens, 'keyword')).toEqual(['const', 'return']);
    expect(kinds(tokens, 'number')).toEqual(['42']);
    expect(kinds(tokens, 'comment')).toEqual(['// answer']);
    expect(kinds(tokens, 'string')).toEqual(['`a${n}`', '"b"']);
  });

  it('knows Python comments and triple-quoted strings', () => {
    const tokens = highlight('def f():\n    """doc\n    more"""\n    return None  # done', 'python');
    expect(kinds(tokens, 'keyword')).toEqual(['def', 'return', 'None']);
    expect(kinds(tokens, 'string')).toEqual(['"""doc\n    more"""']);
    expect(kinds(tokens, 'comment')).toEqual(['# done']);
  });

  it('does not highlight inside identifiers or unknown languages', () => {
    expect(kinds(highlight('returned = classify(x)', 'js'), 'keyword')).toEqual([]);
    expect(highlight('if x then y', 'brainfuck')).toEqual([{ kind: 'plain', text: 'if x then y' }]);
  });

  it('always gives back exactly the input, even unterminated or odd code', () => {
    const samples = ['"unterminated', "'a\\'b", '/* open', 'x = 1e10 + 0xff', '<script>alert(1)</script>', '`${`nested`}`', ''];
    for (const language of ['ts', 'python', 'go', 'bash', 'ruby', 'unknown']) {
      for (const code of samples) expect(highlight(code, language).map((t) => t.text).join(''), `${language}: ${code}`).toBe(code);
    }
  });
});
