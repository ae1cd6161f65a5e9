/** Longer texts are compared on their first this many characters: the edit distance is quadratic. */
const MAX_COMPARED_CHARS = 4000;

/** Trailing spaces and line endings differ between editors and models without changing the code. */
function normalise(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** The same text, once line endings and trailing whitespace are set aside. */
export function exactMatch(output: string, expected: string): boolean {
  return normalise(output) === normalise(expected);
}

/**
 * 1 − Levenshtein distance / length of the longer text, over characters: 1 is identical, 0 shares
 * nothing. It rewards output written the way the project writes it, names and layout included.
 */
export function editSimilarity(output: string, expected: string): number {
  const a = normalise(output).slice(0, MAX_COMPARED_CHARS);
  const b = normalise(expected).slice(0, MAX_COMPARED_CHARS);
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}

/** Two-row dynamic programme: O(|a|·|b|) time, O(|b|) memory. */
function levenshtein(a: string, b: string): number {
  let previous = new Uint32Array(b.length + 1).map((_, j) => j);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}
