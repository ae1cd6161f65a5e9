/** What a chat or generate request asked for, as a responder sees it. */
export type StubCompletionRequest =
  | {
      endpoint: 'chat';
      model: string;
      messages: { role: string; content: string }[];
      options: Record<string, unknown>;
    }
  | {
      endpoint: 'generate';
      model: string;
      prompt: string;
      suffix?: string;
      system?: string;
      raw: boolean;
      options: Record<string, unknown>;
    };

/** Decides the model's whole answer; the stub streams it in token-sized pieces. */
export type Responder = (request: StubCompletionRequest) => string;

export interface ContextBlockRef {
  n: number;
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * The numbered context blocks in a prompt: header lines `[n] path:start-end`, the form RepoSage's
 * answer prompt (src/core/chat/prompt.ts, formatBlock) writes above each retrieved block.
 */
export function parseContextBlocks(text: string): ContextBlockRef[] {
  return [...text.matchAll(/^\[(\d+)\] (\S+):(\d+)-(\d+)$/gm)].map((match) => ({
    n: Number(match[1]),
    path: match[2],
    startLine: Number(match[3]),
    endLine: Number(match[4]),
  }));
}

/**
 * Answers derived from the request, so a test can tell what the client sent:
 * chat cites every context block of the last user message; FIM names the prompt's last line and the
 * suffix's first line; a plain generate repeats the prompt's last line.
 */
export function defaultRespond(request: StubCompletionRequest): string {
  if (request.endpoint === 'chat') {
    const lastUser = request.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
    const blocks = parseContextBlocks(lastUser);
    if (blocks.length === 0) return 'The context does not contain the answer to this question.';
    const cited = blocks.map((block) => `${block.path} lines ${block.startLine}-${block.endLine} [${block.n}]`);
    return `From the repository: ${cited.join(', ')}.`;
  }
  if (request.suffix !== undefined) {
    return `/* between ${lastLine(request.prompt)} and ${firstLine(request.suffix)} */`;
  }
  return `${request.raw ? 'Raw' : 'Templated'} reply to: ${lastLine(request.prompt)}`;
}

/** Token-sized pieces (a word with the whitespace before it) that join back to the text. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)?.trim() ?? '';
}

function firstLine(text: string): string {
  return text.trimStart().split('\n')[0].trim();
}
