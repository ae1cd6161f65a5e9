/**
 * What counts as a citation in an answer, for every reader of answers: the CLI, the verifier and
 * the chat panel (which imports this file, so it imports nothing). A citation is `[3]` or `[1, 3]`:
 * numbers of one to four digits in brackets, not followed by `(`, since `[3](javascript:…)` is a
 * markdown link whose text happens to be a number, not a citation.
 */
const MARKER = /\[\s*(\d{1,4}(?:\s*,\s*\d{1,4})*)\s*\](?!\()/;

/** The citation that starts exactly at `index`, with its length, or undefined. */
export function citationAt(text: string, index: number): { numbers: number[]; length: number } | undefined {
  const match = new RegExp(MARKER.source, 'y');
  match.lastIndex = index;
  const found = match.exec(text);
  return found ? { numbers: numbersOf(found[1]), length: found[0].length } : undefined;
}

/** The numbers of every citation in a stretch of prose, in order, repeats included. */
export function citationNumbers(prose: string): number[] {
  return [...prose.matchAll(new RegExp(MARKER.source, 'g'))].flatMap((match) => numbersOf(match[1]));
}

function numbersOf(list: string): number[] {
  return list.split(',').map((part) => Number(part.trim()));
}
