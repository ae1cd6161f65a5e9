import { describe, expect, it } from 'vitest';
import { fileKind, readQuestion } from '../../src/core/retrieval/question';

describe('readQuestion', () => {
  it('takes names written as code, qualified or not, and keeps plain words apart', () => {
    const signals = readQuestion(
      '`utils.parseaddr` fails, and Session.send() drops headers when parseAddr or get_netrc_auth is ' +
        'called with the proxy',
    );
    expect(signals.codeNames).toEqual(
      expect.arrayContaining(['utils.parseaddr', 'Session.send', 'parseAddr', 'get_netrc_auth']),
    );
    expect(signals.plainNames).toEqual(expect.arrayContaining(['fails', 'drops', 'headers', 'proxy']));
    expect(signals.plainNames).not.toContain('when');
    expect(readQuestion('self.retries is ignored').codeNames).toEqual(['retries']);
  });

  it('reads the files and lines of Python, JavaScript and Go stack traces, and paths written out', () => {
    const python = readQuestion(
      'Traceback (most recent call last):\n' +
        '  File "/home/me/.venv/lib/python3.11/site-packages/mylib/sessions.py", line 589, in request\n' +
        '    resp = self.send(prep)\n' +
        '  File "/home/me/.venv/lib/python3.11/site-packages/mylib/adapters.py", line 12, in send\n' +
        'ValueError: bad',
    );
    expect(python.files).toEqual([
      { tail: 'mylib/sessions.py', line: 589 },
      { tail: 'mylib/adapters.py', line: 12 },
    ]);
    expect(python.codeNames).toEqual(expect.arrayContaining(['request', 'send']));

    const js = readQuestion(
      'TypeError: x is undefined\n    at Router.handle (/app/node_modules/lib/router/index.js:45:12)\n' +
        '    at next (lib/router/route.js:10:3)',
    );
    expect(js.files).toEqual([
      { tail: 'router/index.js', line: 45 },
      { tail: 'router/route.js', line: 10 },
    ]);
    expect(js.codeNames).toEqual(expect.arrayContaining(['Router.handle', 'next']));

    expect(readQuestion('panic in cmd/root.go:120 when flags are empty').files).toEqual([
      { tail: 'cmd/root.go', line: 120 },
    ]);
    expect(readQuestion('the loop in src/core/parser.ts and in helpers.py is slow').files).toEqual([
      { tail: 'core/parser.ts' },
      { tail: 'helpers.py' },
    ]);
  });

  it('says which kinds of non-source file a question is about', () => {
    expect([...readQuestion('where is the retry delay computed?').about]).toEqual([]);
    expect(readQuestion('the unit test for the parser is flaky').about.has('test')).toBe(true);
    expect(readQuestion('the README has a typo in the install guide').about.has('docs')).toBe(true);
    expect(readQuestion('French translation is missing a string').about.has('translation')).toBe(true);
    expect(readQuestion('the linter config rejects trailing commas').about.has('config')).toBe(true);
  });

  it('reads what a question is about from the prose of its lead, not from code or later paragraphs', () => {
    // A module named `testing` is code, not a question about tests.
    expect(readQuestion('fix a race in `click.testing.StreamMixer` finalization').about.has('test')).toBe(false);
    expect(readQuestion('why does click.testing.CliRunner lose stderr?').about.has('test')).toBe(false);
    expect(readQuestion('what does tests/test_sessions.py check?').about.has('test')).toBe(false);
    // A commit or issue body saying tests and the changelog were touched says nothing about what to look for.
    const commit = [
      'fix(time): binding time with empty value',
      '* refact: simplify null-to-zero filling logic',
      '* test: add test for zeroUnixNanoTime, fixed CHANGES.rst',
    ].join('\n\n');
    expect([...readQuestion(commit).about]).toEqual([]);
    expect(readQuestion('Tests fail on Windows\n\nThe path separator is wrong.').about.has('test')).toBe(true);
  });

  it('condenses a long issue for the embedding model: title, first paragraph, names of code', () => {
    const log = Array.from({ length: 60 }, (_, i) => `DEBUG 12:00:${i} connection pool state dump ${i}`).join('\n');
    const issue =
      `Timeout ignored by stream_download\n\n` +
      `When a timeout is passed to stream_download the request still hangs forever.\n\n\`\`\`\n${log}\n` +
      `\`\`\`\n\nMore context at the end that should not count.`;
    const { denseText } = readQuestion(issue);
    expect(
      denseText.startsWith(
        'Timeout ignored by stream_download\n' +
          'When a timeout is passed to stream_download the request still hangs forever.',
      ),
    ).toBe(true);
    expect(denseText).toContain('stream_download');
    expect(denseText).not.toContain('DEBUG');
    expect(denseText.length).toBeLessThan(1000);
    expect(readQuestion('short question').denseText).toBe('short question');
  });
});

describe('fileKind', () => {
  it.each([
    ['src/mylib/sessions.py', 'source'],
    ['lib/router/index.js', 'source'],
    ['tests/test_sessions.py', 'test'],
    ['mylib/sessions_test.go', 'test'],
    ['src/router.spec.ts', 'test'],
    ['test/fixtures/data.json', 'test'],
    ['docs/api.rst', 'docs'],
    ['README.md', 'docs'],
    ['docs/zh-CN/guide.md', 'docs'],
    ['django/conf/locale/fr/LC_MESSAGES/django.po', 'translation'],
    ['.github/ISSUE_TEMPLATE/bug_report.md', 'template'],
    ['CHANGELOG.md', 'changelog'],
    ['HISTORY.rst', 'changelog'],
    ['CONTRIBUTING.md', 'contributing'],
    ['src/pip/_vendor/urllib3/poolmanager.py', 'vendored'],
    ['mylib/packages/chardet/big5freq.py', 'vendored'],
    ['third_party/zlib/inflate.c', 'vendored'],
    ['dist/app.min.js', 'generated'],
    ['api/v1/service_pb2.py', 'generated'],
    ['examples/basic/server.js', 'example'],
    ['setup.cfg', 'config'],
    ['tox.ini', 'config'],
    ['.pre-commit-config.yaml', 'config'],
    ['package.json', 'config'],
    ['Cargo.toml', 'config'],
    ['.eslintrc', 'config'],
    ['Makefile', 'config'],
    ['.github/workflows/ci.yml', 'template'],
  ])('%s is %s', (filePath, kind) => {
    expect(fileKind(filePath)).toBe(kind);
  });
});
