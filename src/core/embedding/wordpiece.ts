/**
 * BERT's uncased WordPiece tokenization of plain ASCII text, as transformers.js does it (clean the
 * text, lowercase, split on whitespace and punctuation, then longest-match word pieces), without
 * its general Unicode passes. Code is nearly all ASCII, and the static embedder spends most of its
 * time tokenizing: this is several times faster. Anything else (non-ASCII text, literal special
 * tokens) returns undefined, and the caller tokenizes it with the tokenizer itself.
 */
export type WordPiece = (text: string) => number[] | undefined;

/** The parts of a tokenizer.json this applies to; anything else gets no fast path. */
interface TokenizerJson {
  normalizer?: { type?: string; clean_text?: boolean; lowercase?: boolean; strip_accents?: boolean | null };
  pre_tokenizer?: { type?: string };
  model?: {
    type?: string;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
    vocab?: Record<string, number>;
  };
  added_tokens?: Array<{ content: string }>;
}

export function asciiWordPiece(tokenizerJson: unknown): WordPiece | undefined {
  const json = tokenizerJson as TokenizerJson;
  const { normalizer, pre_tokenizer: preTokenizer, model } = json ?? {};
  if (
    normalizer?.type !== 'BertNormalizer' ||
    normalizer.clean_text !== true ||
    normalizer.lowercase !== true ||
    normalizer.strip_accents === false ||
    preTokenizer?.type !== 'BertPreTokenizer' ||
    model?.type !== 'WordPiece' ||
    !model.vocab ||
    !model.unk_token
  ) {
    return undefined;
  }
  const vocab = new Map(Object.entries(model.vocab));
  const unk = vocab.get(model.unk_token);
  if (unk === undefined) return undefined;
  const prefix = model.continuing_subword_prefix ?? '##';
  const maxWordChars = model.max_input_chars_per_word ?? 100;
  // No piece is longer than the longest vocabulary entry: matches are looked for only up to that length.
  let longest = 0;
  for (const token of vocab.keys()) longest = Math.max(longest, token.length);
  const specials = (json.added_tokens ?? []).map((token) => token.content).filter((content) => content.length > 0);

  const pieces = (word: string, ids: number[]) => {
    if (word.length > maxWordChars) {
      ids.push(unk);
      return;
    }
    const start = ids.length;
    for (let from = 0; from < word.length; ) {
      let found: number | undefined;
      let to = Math.min(word.length, from + longest);
      for (; to > from; to--) {
        const piece = from === 0 ? word.slice(0, to) : prefix + word.slice(from, to);
        found = vocab.get(piece);
        if (found !== undefined) break;
      }
      if (found === undefined) {
        ids.length = start;
        ids.push(unk);
        return;
      }
      ids.push(found);
      from = to;
    }
  };

  return (text: string) => {
    if (specials.some((special) => text.includes(special))) return undefined;
    const ids: number[] = [];
    let word = '';
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 127) return undefined;
      if (code === 9 || code === 10 || code === 13 || code === 32) {
        if (word) pieces(word, ids);
        word = '';
      } else if (code < 32 || code === 127) {
        // Control characters are dropped (joining what is either side), as the normaliser does.
      } else if (isPunctuation(code)) {
        if (word) pieces(word, ids);
        word = '';
        pieces(text[i], ids);
      } else {
        word += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i];
      }
    }
    if (word) pieces(word, ids);
    return ids;
  };
}

/** BERT counts every ASCII symbol as punctuation, letters and digits aside. */
function isPunctuation(code: number): boolean {
  return (code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || code >= 123;
}
