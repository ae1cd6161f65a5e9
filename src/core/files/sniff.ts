/** How much of a file the binary check looks at: enough to see a header, cheap on every file. */
const SNIFF_BYTES = 8 * 1024;
/** Text has a few control characters (form feeds, ANSI colours in logs); binary formats have many. */
const MAX_CONTROL_RATIO = 0.1;

/** Bundlers put a whole module on one line; hand-written code averages well under 100 characters. */
const MINIFIED_AVERAGE_LINE = 300;
/** Short files cannot be told apart by line length (a one-line re-export is not a bundle). */
const MINIFIED_MIN_CHARS = 2048;
const MINIFIABLE = /\.(js|mjs|cjs|css)$/i;

type Encoding = 'utf8' | 'utf16le' | 'utf16be';

function byteOrderMark(bytes: Uint8Array): { encoding: Encoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf16be', length: 2 };
  return undefined;
}

/**
 * Binary if the start holds a NUL byte or too many control characters. A UTF-16 byte order mark
 * means text, whose NULs are just the high bytes of ASCII characters.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const mark = byteOrderMark(bytes);
  if (mark && mark.encoding !== 'utf8') return false;
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if ((byte < 0x20 && !isTextControl(byte)) || byte === 0x7f) control++;
  }
  return sample.length > 0 && control / sample.length > MAX_CONTROL_RATIO;
}

/** Tab, line feed, form feed, carriage return, escape (ANSI colours). */
function isTextControl(byte: number): boolean {
  return byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x1b;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 or UTF-16 with a byte order mark, which is dropped. Bytes that are not valid UTF-8 are read
 * as Latin-1, which never fails: an odd encoding gives odd characters, not a failed index.
 */
export function decodeText(bytes: Buffer): string {
  const mark = byteOrderMark(bytes);
  const body = mark ? bytes.subarray(mark.length) : bytes;
  switch (mark?.encoding) {
    case 'utf16le':
      return body.toString('utf16le');
    case 'utf16be':
      return Buffer.from(body.subarray(0, body.length - (body.length % 2)))
        .swap16()
        .toString('utf16le');
    default:
      try {
        return strictUtf8.decode(body);
      } catch {
        return body.toString('latin1');
      }
  }
}

/** A JS or CSS file whose lines are far longer than anyone writes by hand. */
export function looksMinified(fileName: string, text: string): boolean {
  if (!MINIFIABLE.test(fileName) || text.length < MINIFIED_MIN_CHARS) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > MINIFIED_AVERAGE_LINE;
}
