import { toSearchText } from '../../../src/core/store/search-text';

/**
 * The baseline: plain Okapi BM25 with whole files as documents (k1 1.2, b 0.75), over the same
 * files the index holds, tokenized as the index's keyword search does. Ranks files, not chunks.
 */
export class FileBm25 {
  private readonly postings = new Map<string, Array<{ doc: number; tf: number }>>();
  private readonly lengths: number[] = [];
  private readonly paths: string[] = [];

  constructor(files: ReadonlyArray<{ path: string; text: string }>) {
    for (const [doc, file] of files.entries()) {
      const counts = new Map<string, number>();
      const tokens = tokenize(file.text);
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, tf] of counts) {
        const list = this.postings.get(token) ?? [];
        list.push({ doc, tf });
        this.postings.set(token, list);
      }
      this.lengths.push(tokens.length);
      this.paths.push(file.path);
    }
  }

  rank(query: string): string[] {
    const n = this.lengths.length;
    const average = this.lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, n);
    const scores = new Float64Array(n);
    for (const token of new Set(tokenize(query))) {
      const list = this.postings.get(token);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list)
        scores[doc] += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * this.lengths[doc]) / average));
    }
    return [...scores.keys()]
      .filter((doc) => scores[doc] > 0)
      .sort((a, b) => scores[b] - scores[a])
      .map((doc) => this.paths[doc]);
  }
}

function tokenize(text: string): string[] {
  return toSearchText(text)
    .split(' ')
    .filter((token) => token.length > 1);
}
