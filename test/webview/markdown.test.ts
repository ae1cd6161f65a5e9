import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, type Block, type Inline } from '../../src/webview/markdown';

/** Every link target and every piece of text in a parsed answer, however deeply nested. */
function walk(blocks: readonly Block[]): { hrefs: string[]; texts: string[] } {
  const hrefs: string[] = [];
  const texts: string[] = [];
  const inline = (node: Inline): void => {
    if (node.type === 'text' || node.type === 'code') texts.push(node.text);
    if (node.type === 'link') hrefs.push(node.href);
    if ('children' in node) for (const child of node.children) inline(child);
  };
  const block = (node: Block): void => {
    if (node.type === 'code') texts.push(node.text);
    if (node.type === 'paragraph' || node.type === 'heading') node.children.forEach(inline);
    if (node.type === 'list') for (const item of node.items) for (const child of item.children) block(child);
    if (node.type === 'quote') for (const child of node.children) block(child);
    if (node.type === 'table')
      for (const row of node.rows) for (const cell of row) for (const part of cell) inline(part);
  };
  blocks.forEach(block);
  return { hrefs, texts };
}

describe('parseMarkdown: structure', () => {
  it('parses the block types answers use', () => {
    const blocks = parseMarkdown(
      [
        '## Where',
        '',
        'The lock is in **index-lock.ts** and *sync* uses it [1].',
        '',
        '- first',
        '- second',
        '  continued',
        '',
        '1. one',
        '2. two',
        '',
        '> quoted',
        '',
        '---',
        '```ts',
        'const x = 1;',
        '```',
      ].join('\n'),
    );
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'list', 'list', 'quote', 'rule', 'code']);
    expect(blocks[0]).toEqual({ type: 'heading', level: 2, children: [{ type: 'text', text: 'Where' }] });
    expect(blocks[1]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'The lock is in ' },
        { type: 'strong', children: [{ type: 'text', text: 'index-lock.ts' }] },
        { type: 'text', text: ' and ' },
        { type: 'em', children: [{ type: 'text', text: 'sync' }] },
        { type: 'text', text: ' uses it ' },
        { type: 'citation', n: 1 },
        { type: 'text', text: '.' },
      ],
    });
    expect(blocks[2]).toMatchObject({
      type: 'list',
      ordered: false,
      items: [
        { children: [{ type: 'paragraph', children: [{ text: 'first' }] }] },
        { children: [{ type: 'paragraph', children: [{ text: 'second\ncontinued' }] }] },
      ],
    });
    expect(blocks[3]).toMatchObject({ type: 'list', ordered: true, start: 1 });
    expect(blocks[6]).toEqual({ type: 'code', language: 'ts', text: 'const x = 1;' });
  });

  it('parses GitHub tables with their alignment, and cells with inline markup and citations', () => {
    const [table] = parseMarkdown(
      ['| mode | recall@5 |', '| :--- | ---: |', '| `bm25` | **0.58** [1] |', '| hybrid | 0.63 |'].join('\n'),
    );
    expect(table).toEqual({
      type: 'table',
      align: ['left', 'right'],
      rows: [
        [[{ type: 'text', text: 'mode' }], [{ type: 'text', text: 'recall@5' }]],
        [
          [{ type: 'code', text: 'bm25' }],
          [
            { type: 'strong', children: [{ type: 'text', text: '0.58' }] },
            { type: 'text', text: ' ' },
            { type: 'citation', n: 1 },
          ],
        ],
        [[{ type: 'text', text: 'hybrid' }], [{ type: 'text', text: '0.63' }]],
      ],
    });
  });

  it('nests lists, and reads task boxes and strikethrough', () => {
    const [list] = parseMarkdown(
      ['- outer', '  1. inner one', '  2. inner two', '- [x] done ~~old~~', '- [ ] to do'].join('\n'),
    );
    expect(list).toMatchObject({
      type: 'list',
      items: [
        {
          children: [
            { type: 'paragraph' },
            {
              type: 'list',
              ordered: true,
              items: [{ children: [{ type: 'paragraph', children: [{ text: 'inner one' }] }] }, {}],
            },
          ],
        },
        {
          checked: true,
          children: [
            {
              type: 'paragraph',
              children: [
                { type: 'text', text: 'done ' },
                { type: 'delete', children: [{ type: 'text', text: 'old' }] },
              ],
            },
          ],
        },
        { checked: false },
      ],
    });
  });

  it('runs an unclosed fence to the end, as while an answer streams in', () => {
    expect(parseMarkdown('Look:\n```python\ndef f():\n    return 1')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'Look:' }] },
      { type: 'code', language: 'python', text: 'def f():\n    return 1' },
    ]);
  });

  it('reads several citations in one bracket and keeps unknown brackets as text', () => {
    expect(parseInline('see [1, 3] and [note]')).toEqual([
      { type: 'text', text: 'see ' },
      { type: 'citation', n: 1 },
      { type: 'citation', n: 3 },
      { type: 'text', text: ' and [note]' },
    ]);
  });

  it('leaves snake_case and lone markers alone', () => {
    expect(parseInline('call read_text_file with 2 * 3')).toEqual([
      { type: 'text', text: 'call read_text_file with 2 * 3' },
    ]);
  });

  it('keeps markup inside inline code literal', () => {
    expect(parseInline('use `<b>**x**</b>`')).toEqual([
      { type: 'text', text: 'use ' },
      { type: 'code', text: '<b>**x**</b>' },
    ]);
  });
});

describe('parseMarkdown: untrusted input stays inert', () => {
  it('keeps raw HTML as text', () => {
    const answer = 'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a>';
    const { hrefs, texts } = walk(parseMarkdown(answer));
    expect(hrefs).toEqual([]);
    expect(texts.join('')).toBe(answer);
    const block = walk(parseMarkdown('<div onclick="alert(1)">\n<iframe src="https://evil.example"></iframe>\n</div>'));
    expect(block.hrefs).toEqual([]);
    expect(block.texts.join('')).toContain('<iframe src="https://evil.example"></iframe>');
  });

  it('keeps HTML and unsafe links inert inside tables and nested lists too', () => {
    const answer = [
      '| a | b |',
      '| - | - |',
      '| <img src=x onerror=alert(1)> | [x](javascript:alert(2)) |',
      '',
      '- one',
      '  - [y](data:text/html,hi) <script>z</script>',
    ].join('\n');
    const { hrefs, texts } = walk(parseMarkdown(answer));
    expect(hrefs).toEqual([]);
    expect(texts.join('')).toContain('<img src=x onerror=alert(1)>');
    expect(texts.join('')).toContain('<script>z</script>');
  });

  it('shows an image as its alt text, fetching nothing', () => {
    expect(parseInline('![diagram](https://evil.example/track.png)')).toEqual([{ type: 'text', text: 'diagram' }]);
  });

  it.each([
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click]( javascript:alert(1) )',
    '[click](<javascript:alert(1)>)',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[click](vbscript:msgbox(1))',
    '[click](command:workbench.action.terminal.new)',
    '[click](file:///etc/passwd)',
    '[click](//evil.example/x)',
    '[click](java\tscript:alert(1))',
    '<javascript:alert(1)>',
  ])('renders %s without a link', (answer) => {
    expect(walk(parseMarkdown(answer)).hrefs).toEqual([]);
  });

  it('keeps the words of a dropped link', () => {
    expect(parseInline('[click here](javascript:alert(1))')).toEqual([{ type: 'text', text: 'click here' }]);
  });

  it('keeps web links, autolinks included', () => {
    expect(parseInline('[docs](https://example.com/a?b=1) and <http://example.org> and https://x.example/y')).toEqual([
      { type: 'link', href: 'https://example.com/a?b=1', children: [{ type: 'text', text: 'docs' }] },
      { type: 'text', text: ' and ' },
      { type: 'link', href: 'http://example.org', children: [{ type: 'text', text: 'http://example.org' }] },
      { type: 'text', text: ' and ' },
      { type: 'link', href: 'https://x.example/y', children: [{ type: 'text', text: 'https://x.example/y' }] },
    ]);
  });

  it('never yields a link that is not http(s), whatever the input', () => {
    const pieces = [
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      'javascript:',
      'https://x.y',
      ' ',
      '*',
      '_',
      '`',
      '\\',
      '"',
      'a',
      '\n',
      '[1]',
      'data:',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 2_000; round++) {
      const answer = Array.from(
        { length: 1 + Math.floor(random() * 30) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
      for (const href of walk(parseMarkdown(answer)).hrefs) expect(href, answer).toMatch(/^https?:\/\/[^\s<>"]+$/i);
    }
  });
});
