import { describe, expect, it } from 'vitest';
import { chatHtml, newNonce } from '../../src/extension/chat/chat-html';
import { UI_STRING_KEYS, parseUiStrings, type UiStrings } from '../../src/shared/chat-protocol';

const strings = Object.fromEntries(UI_STRING_KEYS.map((key) => [key, `label ${key}`])) as UiStrings;
const page = (overrides: Partial<Parameters<typeof chatHtml>[0]> = {}) =>
  chatHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/chat.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/chat/chat.css',
    strings,
    nonce: 'bm9uY2Vub25jZW5vbmNlMQ==',
    ...overrides,
  });

describe('chat page', () => {
  it('denies everything by default and allows only the nonce-carrying script', () => {
    const html = page();
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1].replace(/&#39;/g, "'");
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'nonce-bm9uY2Vub25jZW5vbmNlMQ=='"]);
    expect(directives['style-src']).toEqual(['https://file+.vscode-resource.vscode-cdn.net']);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('has one script, loaded from the extension with the nonce, and no inline code or handlers', () => {
    const html = page();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0][1]).toContain('nonce="bm9uY2Vub25jZW5vbmNlMQ=="');
    expect(scripts[0][1]).toContain('src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/chat.js"');
    expect(scripts[0][2]).toBe('');
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/style="/);
  });

  it('escapes labels, so a translation cannot inject markup, and hands them over intact', () => {
    const hostile = { ...strings, placeholder: '"><script>alert(1)</script>' };
    const html = page({ strings: hostile });
    expect(html.match(/<script\b/g)).toHaveLength(1);
    const attribute = /data-strings="([^"]*)"/.exec(html)![1];
    const decoded = attribute.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
    expect(parseUiStrings(JSON.parse(decoded))).toEqual(hostile);
  });
});

describe('newNonce', () => {
  it('gives 128 fresh random bits each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });
});
