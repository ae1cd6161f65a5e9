/**
 * A deliberately small syntax highlighter for code blocks in answers: comments, strings, numbers and
 * keywords for the common language families. It returns tokens (text plus a kind), so the webview
 * builds spans with textContent and nothing in the code is ever parsed as HTML. Tokens always
 * concatenate back to the input.
 */

export type TokenKind = 'plain' | 'keyword' | 'string' | 'comment' | 'number';

export interface Token {
  kind: TokenKind;
  text: string;
}

interface Family {
  comment: RegExp;
  string: RegExp;
  keywords: ReadonlySet<string>;
}

const words = (list: string) => new Set(list.split(' '));

const C_LIKE_COMMENT = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y;
const HASH_COMMENT = /#[^\n]*/y;
const QUOTED = /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?/y;

const FAMILIES: Record<string, Family> = {
  script: {
    comment: C_LIKE_COMMENT,
    string: /`(?:[^`\\]|\\[\s\S])*`?|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?/y,
    keywords: words('async await break case catch class const continue debugger default delete do else enum export extends false finally for from function if implements import in instanceof interface let new null of private protected public readonly return static super switch this throw true try type typeof undefined var void while yield as keyof satisfies declare namespace abstract'),
  },
  native: {
    comment: C_LIKE_COMMENT,
    string: QUOTED,
    keywords: words('auto bool break case catch char class const continue default defer do double else enum extends false final finally float for fn func go if impl implements import int interface let long loop match mod mut namespace new nil null package private protected pub public return self static string struct super switch this throw throws trait true try type typedef unsafe use using var virtual void volatile where while'),
  },
  python: {
    comment: HASH_COMMENT,
    string: /[rbfu]{0,2}("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)/iy,
    keywords: words('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return self try while with yield match case'),
  },
  shell: {
    comment: HASH_COMMENT,
    string: QUOTED,
    keywords: words('if then else elif fi for while until do done case esac in function return local export echo exit set unset readonly source'),
  },
  ruby: {
    comment: HASH_COMMENT,
    string: QUOTED,
    keywords: words('alias and begin break case class def defined do else elsif end ensure false for if in module next nil not or redo rescue retry return self super then true undef unless until when while yield require attr_accessor'),
  },
};

const LANGUAGES: Record<string, keyof typeof FAMILIES> = {
  js: 'script', javascript: 'script', jsx: 'script', mjs: 'script', cjs: 'script',
  ts: 'script', typescript: 'script', tsx: 'script', json: 'script', jsonc: 'script',
  c: 'native', h: 'native', cpp: 'native', 'c++': 'native', cc: 'native', hpp: 'native', cs: 'native', csharp: 'native',
  java: 'native', kotlin: 'native', kt: 'native', go: 'native', golang: 'native', rust: 'native', rs: 'native',
  swift: 'native', scala: 'native', php: 'native', dart: 'native',
  py: 'python', python: 'python', python3: 'python',
  sh: 'shell', bash: 'shell', shell: 'shell', zsh: 'shell', console: 'shell', yaml: 'shell', yml: 'shell', toml: 'shell',
  rb: 'ruby', ruby: 'ruby',
};

const NUMBER = /0x[\da-f]+|\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?/iy;
const WORD = /[A-Za-z_$][\w$]*/y;

/** Tokens of `code`; one plain token when the language is unknown. */
export function highlight(code: string, language: string): Token[] {
  const family = FAMILIES[LANGUAGES[language.toLowerCase()] ?? ''];
  if (!family) return code ? [{ kind: 'plain', text: code }] : [];
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else tokens.push({ kind, text });
  };
  let i = 0;
  while (i < code.length) {
    const comment = match(family.comment, code, i);
    const string = comment ? undefined : match(family.string, code, i);
    if (comment || string) {
      push(comment ? 'comment' : 'string', (comment ?? string)!);
      i += (comment ?? string)!.length;
      continue;
    }
    const word = match(WORD, code, i);
    if (word) {
      push(family.keywords.has(word) ? 'keyword' : 'plain', word);
      i += word.length;
      continue;
    }
    const number = /\d/.test(code[i]) ? match(NUMBER, code, i) : undefined;
    if (number) {
      push('number', number);
      i += number.length;
      continue;
    }
    push('plain', code[i]);
    i++;
  }
  return tokens;
}

function match(pattern: RegExp, code: string, at: number): string | undefined {
  pattern.lastIndex = at;
  const found = pattern.exec(code);
  return found && found[0].length > 0 ? found[0] : undefined;
}
