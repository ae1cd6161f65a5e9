/** Below this many words, a summary says too little to find anything by ("Return the value."). */
const MIN_WORDS = 4;

/** Summaries that describe no behaviour. */
const BOILERPLATE = new RegExp(
  String.raw`^(todo|fixme|xxx|deprecated|internal|private|override|overrides|inheritdoc|see\b|alias\b|` +
    String.raw`constructor\b|initiali[sz]e\b|create (a )?new instance)`,
  'i',
);

/** Where the summary paragraph ends: a tag, a section header, or a parameter list. */
const SECTION = new RegExp(
  String.raw`^(@\w+|:(param|type|return|returns|rtype|raises)\b|(args|arguments|parameters|params|returns?|` +
    String.raw`yields?|raises|example|examples|note|notes|see also)\s*:?\s*$|-{3,}$)`,
  'i',
);

/**
 * Turns a doc comment into a retrieval question: its summary sentence with the documented symbol's
 * name taken out, so the question cannot be answered by matching the name alone. Undefined when
 * too little meaningful text is left.
 */
export function questionFromDoc(doc: string, symbol: string): string | undefined {
  const sentence = plainText(firstSentence(summaryParagraph(doc)));
  if (!sentence || BOILERPLATE.test(sentence)) return undefined;
  const question = removeName(sentence, symbol);
  const words = question.split(/\s+/).filter((word) => /[A-Za-z]{2,}/.test(word));
  return words.length >= MIN_WORDS ? question : undefined;
}

/** The doc's first paragraph, comment markers and quotes stripped. */
function summaryParagraph(doc: string): string {
  const lines = doc
    .replace(/^\s*[rRbBuU]?("""|''')/, '')
    .replace(/("""|''')\s*$/, '')
    .replace(/^\s*\/\*\*?/, '')
    .replace(/\*\/\s*$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*(\/\/\/?|#+|\*(?!\*))\s?/, '').trim());
  const paragraph: string[] = [];
  for (const line of lines) {
    if (line.length === 0) {
      if (paragraph.length > 0) break;
      continue;
    }
    if (SECTION.test(line)) break;
    paragraph.push(line);
  }
  return paragraph.join(' ');
}

function firstSentence(paragraph: string): string {
  // Abbreviations end no sentence; protect their dots first.
  const guarded = paragraph.replace(/\b(e\.g|i\.e|etc|vs|cf)\./gi, (match) => match.replace(/\./g, '\u0000'));
  const end = guarded.search(/[.!?](\s|$)/);
  const sentence = end < 0 ? guarded : guarded.slice(0, end + 1);
  return sentence.replaceAll('\u0000', '.').trim();
}

/** Markup readers do not type: {@link X}, :role:`X`, `X`, **X**, [X](url), <see cref="X"/>, <summary>. */
function plainText(sentence: string): string {
  return sentence
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<see\s+cref="([^"]+)"\s*\/>/g, '$1')
    .replace(/<\/?(summary|remarks|para|c|code)>/g, ' ')
    .replace(/\{@\w+\s+([^}|]+?)(\s*\|[^}]*)?\}/g, '$1')
    .replace(/:[a-z]+:`~?([^`]+)`/g, '$1')
    .replace(/[`*]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Takes the symbol's own name out wherever it is written as a word (`parse_config_file`,
 * parseConfigFile(), Foo.parseConfigFile), so the question cannot be answered by the name alone.
 * Ordinary words that merely share the name's parts stay ("Parses the config file"): users ask
 * in those words, and taking them out leaves sentences nobody would type.
 */
function removeName(sentence: string, symbol: string): string {
  const whole = normalised(symbol);
  const isName = (word: string) => normalised(word) === whole || normalised(word.split('.').pop() ?? '') === whole;
  return sentence
    .split(/\s+/)
    .map((word) => {
      // Keep the punctuation around a removed word, so the sentence still reads as one.
      const core = word.replace(/^[^A-Za-z0-9_$]+|[^A-Za-z0-9_$]+$/g, '');
      return core.length > 0 && isName(core) ? word.replace(core, '') : word;
    })
    .join(' ')
    .replace(/\(\)/g, '')
    .replace(/\s+([.,;:!?])/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,;:]+/, '')
    .trim();
}

function normalised(identifier: string): string {
  return identifier.toLowerCase().replace(/[^a-z0-9]/g, '');
}
