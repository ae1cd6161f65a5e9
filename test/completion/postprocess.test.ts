import { describe, expect, it } from 'vitest';
import { completionMode, viewAt } from '../../src/core/completion/cursor';
import { answerComplete, postProcess } from '../../src/core/completion/postprocess';

/** The document with `|` marking the cursor. */
function at(document: string) {
  const offset = document.indexOf('|');
  const view = viewAt(document.slice(0, offset) + document.slice(offset + 1), offset);
  return { view, mode: completionMode(view) };
}

function complete(document: string, raw: string): string | undefined {
  const { view, mode } = at(document);
  return postProcess(raw, view, mode);
}

describe('completion mode', () => {
  it('is multi-line at an empty body after { or :', () => {
    expect(at('function f(a) {\n  |\n}\n').mode).toBe('multi');
    expect(at('function f(a) {|\n}\n').mode).toBe('multi');
    expect(at('def f(a):\n    |\n\ndef g():\n    pass\n').mode).toBe('multi');
    expect(at('def f(a):|').mode).toBe('multi');
  });

  it('is single-line mid-line, in a body that has code, and after other lines', () => {
    expect(at('const x = foo(|);\n').mode).toBe('single');
    expect(at('function f(a) {\n  |\n  return a;\n}\n').mode).toBe('single');
    expect(at('const a = 1;\n|\n').mode).toBe('single');
    expect(at('if (a) {| return; }\n').mode).toBe('single');
  });
});

describe('post-processing', () => {
  it('keeps one line outside an empty body', () => {
    expect(complete('const total = |\n', 'a + b;\nconsole.log(total);\n')).toBe('a + b;');
  });

  it('stops a body at the end of its block, leaving the closing brace already below the cursor', () => {
    const raw = 'const sum = a + b;\n  return sum;\n}\n\nfunction g() {\n  return 2;\n}\n';
    expect(complete('function f(a, b) {\n  |\n}\n', raw)).toBe('const sum = a + b;\n  return sum;');
  });

  it('closes the block itself when nothing below the cursor does', () => {
    expect(complete('function f(a, b) {|', '\n  return a + b;\n}\nconsole.log(1);')).toBe('\n  return a + b;\n}');
  });

  it('stops a Python body at the first line indented no deeper than the def', () => {
    const raw = 'total = a + b\n    return total\n\ndef other():\n    pass\n';
    expect(complete('def add(a, b):\n    |\n', raw)).toBe('total = a + b\n    return total');
  });

  it('does not repeat the text after the cursor', () => {
    expect(complete('const x = foo(|);\n', 'a, b);')).toBe('a, b');
    expect(complete('const x = foo(|)\n', 'a, b); other()')).toBe('a, b');
    expect(complete('print("|")\n', 'hello")')).toBe('hello');
    expect(complete('let y = |;\n', 'x + 1;')).toBe('x + 1');
  });

  it('keeps a bracket that closes what the completion itself opened', () => {
    expect(complete('bar(|)\n', 'foo()')).toBe('foo()');
  });

  it('never runs a body into the code after the cursor', () => {
    expect(complete('def f():\n    |\nhelper()\n', 'x = 1\nhelper()\n')).toBe('x = 1');
  });

  it('trims trailing whitespace', () => {
    expect(complete('const x = |\n', 'compute(1)   \t')).toBe('compute(1)');
  });

  it('drops a suggestion that only repeats what is already there', () => {
    expect(complete('const x = |compute(1);\n', 'compute(1);')).toBeUndefined();
    expect(complete('foo(|)\n', ')')).toBeUndefined();
    expect(complete('  doThing();\n  |\n  other();\n', 'doThing();')).toBeUndefined();
    expect(complete('const x = |\n', '   \n')).toBeUndefined();
  });
});

describe('answerComplete', () => {
  it('is true after a line break for one line, and after the end of the block for a body', () => {
    const line = at('const x = |\n');
    expect(answerComplete('a + b', line.view, line.mode)).toBe(false);
    expect(answerComplete('a + b\n', line.view, line.mode)).toBe(true);
    const body = at('function f() {\n  |\n}\n');
    expect(answerComplete('return 1;\n', body.view, body.mode)).toBe(false);
    expect(answerComplete('return 1;\n}\n', body.view, body.mode)).toBe(true);
  });
});
