import type { Completion } from './types';

/** The fields of Ollama's final chat or generate object that RepoSage reads (durations in ns). */
export interface FinalFields {
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** One line of a streamed answer: a piece of text, and on the last line the final figures. */
export interface AnswerLine {
  text: string;
  final?: FinalFields;
}

/**
 * A streamed answer: iterate it for the text as it arrives; once it has ended, `completion` holds
 * the whole text, why the model stopped and Ollama's figures. Read it once.
 */
export class TextStream implements AsyncIterable<string> {
  private result: Completion | undefined;

  constructor(private readonly lines: AsyncIterable<AnswerLine>) {}

  /** Set when the answer ended normally; undefined while streaming or after a failure. */
  get completion(): Completion | undefined {
    return this.result;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    let text = '';
    for await (const line of this.lines) {
      if (line.text) {
        text += line.text;
        yield line.text;
      }
      if (line.final) this.result = toCompletion(text, line.final);
    }
  }
}

export function toCompletion(text: string, final: FinalFields): Completion {
  const doneReason = final.done_reason ?? 'stop';
  return {
    text,
    doneReason,
    truncated: doneReason === 'length',
    stats: {
      totalMs: nsToMs(final.total_duration),
      loadMs: nsToMs(final.load_duration),
      promptTokens: final.prompt_eval_count ?? 0,
      promptMs: nsToMs(final.prompt_eval_duration),
      answerTokens: final.eval_count ?? 0,
      answerMs: nsToMs(final.eval_duration),
    },
  };
}

function nsToMs(nanoseconds: number | undefined): number {
  return Math.round((nanoseconds ?? 0) / 1e6);
}
