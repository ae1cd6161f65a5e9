import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapGoldenSet } from '../../src/core/eval/bootstrap';
import { questionFromDoc } from '../../src/core/eval/doc-question';
import { makeTempDir, writeTree } from '../support/temp-dir';

const FIXTURE = {
  'pkg/config.py': [
    'import json',
    '',
    '',
    'def parse_config_file(path):',
    '    """Parse the config file at a path and return its settings as a dictionary.',
    '',
    '    Args:',
    '        path: where the file is.',
    '    """',
    '    with open(path) as handle:',
    '        return json.load(handle)',
    '',
    '',
    'class RetryPolicy:',
    '    """A `RetryPolicy` decides how long to wait before each new attempt of a failed request."""',
    '',
    '    def delay(self, attempt):',
    '        """Return the value."""',
    '        return 2 ** attempt',
    '',
  ].join('\n'),
  'src/window.ts': [
    'export class Shell {',
    '  /**',
    '   * Opens a window with the given title and brings it to the front of the screen.',
    '   * @param title shown in the title bar',
    '   */',
    '  openWindow(title: string): void {',
    '    console.log(title);',
    '  }',
    '}',
    '',
    '/** Formats a byte count for people, such as 1.5 MB. */',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source with a template literal.
    'export const humanSize = (bytes: number) => `${bytes / 1e6} MB`;',
    '',
  ].join('\n'),
  'tests/test_config.py':
    'def test_parse():\n    """Checks that parsing a config file gives back every key."""\n    assert True\n',
};

describe('questionFromDoc', () => {
  it('keeps the summary sentence and takes out the name however it is written', () => {
    expect(
      questionFromDoc(
        '/**\n * Parses the config file at `path` and returns its settings.\n * @param path where\n */',
        'parseConfigFile',
      ),
    ).toBe('Parses the config file at path and returns its settings.');
    expect(
      questionFromDoc(
        '/** Like `parseConfigFile()` or Loader.parseConfigFile, but never throws on bad input. */',
        'parseConfigFile',
      ),
    ).toBe('Like or, but never throws on bad input.');
    expect(
      questionFromDoc(
        '"""Return the value of the named environment variable, e.g. HOME, or a default.\n\nMore."""',
        'get_env',
      ),
    ).toBe('Return the value of the named environment variable, e.g. HOME, or a default.');
    expect(
      questionFromDoc('/// <summary>Sends the <see cref="Message"/> to every open socket.</summary>', 'Broadcast'),
    ).toBe('Sends the Message to every open socket.');
  });

  it('skips summaries that say too little once the name is gone', () => {
    expect(questionFromDoc('"""Return the value."""', 'get_value')).toBeUndefined();
    expect(questionFromDoc('// LoadConfig loads config.', 'LoadConfig')).toBeUndefined();
    expect(questionFromDoc('/** TODO: document this properly later on. */', 'x')).toBeUndefined();
  });
});

describe('bootstrapGoldenSet', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir: root, cleanup } = await makeTempDir());
    await writeTree(root, FIXTURE);
  });
  afterAll(() => cleanup());

  it('turns documented functions, methods and classes into questions about their lines', async () => {
    const result = await bootstrapGoldenSet({ root });
    const byId = Object.fromEntries(result.questions.map((q) => [q.id, q]));
    expect(Object.keys(byId).sort()).toEqual([
      'pkg/config.py#RetryPolicy:14',
      'pkg/config.py#parse_config_file:4',
      'src/window.ts#humanSize:12',
      'src/window.ts#openWindow:6',
    ]);
    expect(byId['pkg/config.py#parse_config_file:4']).toEqual({
      id: 'pkg/config.py#parse_config_file:4',
      question: 'Parse the config file at a path and return its settings as a dictionary.',
      expected: [{ path: 'pkg/config.py', startLine: 4, endLine: 11 }],
    });
    // A class is answered by its head: the class line through its docstring.
    expect(byId['pkg/config.py#RetryPolicy:14'].expected).toEqual([
      { path: 'pkg/config.py', startLine: 14, endLine: 15 },
    ]);
    expect(byId['src/window.ts#openWindow:6'].expected).toEqual([{ path: 'src/window.ts', startLine: 6, endLine: 8 }]);
    expect(byId['src/window.ts#humanSize:12'].question).toBe('Formats a byte count for people, such as 1.5 MB.');
    expect(result).toMatchObject({ files: 2, documented: 5, candidates: 4 });
  });

  it('never leaves the symbol name in a question', async () => {
    const { questions } = await bootstrapGoldenSet({ root });
    expect(questions.length).toBeGreaterThan(0);
    for (const q of questions) {
      const name = q.id.slice(q.id.indexOf('#') + 1, q.id.lastIndexOf(':')).toLowerCase();
      const words = q.question.toLowerCase().split(/[^a-z0-9_]+/);
      expect(words, q.question).not.toContain(name);
    }
  });

  it('samples the same questions every time under a limit', async () => {
    const first = await bootstrapGoldenSet({ root, limit: 2 });
    const second = await bootstrapGoldenSet({ root, limit: 2 });
    expect(first.questions).toHaveLength(2);
    expect(second.questions).toEqual(first.questions);
  });
});
