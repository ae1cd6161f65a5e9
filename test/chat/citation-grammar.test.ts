import { describe, expect, it } from 'vitest';
import { parseInline } from '../../src/webview/markdown';
import { citationNumbers } from '../../src/shared/citation-grammar';
import { parseCitationMarkers } from '../../src/core/chat/citations';
import { terminalSafe } from '../../src/cli/terminal-text';

/** The numbers the panel renders as citation links. */
function panelCitations(text: string): number[] {
  return parseInline(text).flatMap((inline) => (inline.type === 'citation' ? [inline.n] : []));
}

describe('one citation grammar for the CLI and the panel', () => {
  const cases: Array<[string, number[]]> = [
    ['See [1] and [2, 3].', [1, 2, 3]],
    ['Both [1][2].', [1, 2]],
    ['Spaced [ 4 ].', [4]],
    ['A link [3](javascript:alert(1)) is not a citation, [5] is.', [5]],
    ['Too many digits [12345] and words [a] are not.', []],
  ];
  for (const [text, numbers] of cases) {
    it(`reads ${JSON.stringify(text)} the same way everywhere`, () => {
      expect(citationNumbers(text)).toEqual(numbers);
      expect(parseCitationMarkers(text)).toEqual([...new Set(numbers)]);
      expect(panelCitations(text)).toEqual(numbers);
    });
  }
});

describe('terminal-safe text', () => {
  it('drops the characters a terminal obeys, keeping the text around them', () => {
    expect(terminalSafe('\x1b]0;title\x07\x1b[31mred\x1b[0m\r\nnext\ttab\x9b2J\u202eevil')).toBe(
      ']0;title[31mred[0m\nnext\ttab2Jevil',
    );
    expect(terminalSafe('plain text, ünïcode ✓\n')).toBe('plain text, ünïcode ✓\n');
  });
});
