/** Code in a Markdown fence longer than any backtick run inside it, tagged with its language. */
export function fenced(code: string, language: string): string {
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${code.replace(/\n+$/, '')}\n${fence}`;
}

/**
 * The content of the first fenced block in a reply, or the whole reply trimmed when it has none:
 * models wrap code in fences or not as they please, and only the code is compared.
 */
export function unfence(reply: string): string {
  const match = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?\1[ \t]*$/m.exec(reply);
  return (match ? match[2] : reply).trim();
}

/** Removes the indentation every non-blank line shares, so a method reads like a top-level function. */
export function dedent(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)![0].length))).join('\n');
}
