/**
 * Control characters that a terminal acts on instead of showing: C0 controls but tab and line
 * feed (ESC starts colour, title and clipboard sequences; CR overwrites a line), DEL, the C1
 * controls (0x9B is a one-character CSI), and the bidirectional overrides that make text read
 * otherwise than it is.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this module's job.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a model, a repository or a server, made safe to write to a terminal: the characters
 * that could command it are dropped, so what is left shows as text (`[31m` stays visible, without
 * the ESC that made it a colour). Works piecewise on a stream, since no sequence can begin
 * without one of the dropped characters. CRLF becomes LF.
 */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, '');
}
