import { askQuestion } from '../../chat/ask';
import { FALLBACK_CONTEXT_TOKENS, estimateTokens } from '../../chat/budget';
import { formatBlock } from '../../chat/prompt';
import { throwIfCancelled } from '../../errors';
import type { GoldenQuestion } from '../../eval/golden-set';
import type { ChatMessage, OllamaClient } from '../../ollama';
import { packContext } from '../../retrieval/pack';
import type { Retriever } from '../../retrieval/types';
import { unfence } from '../code-text';
import { editSimilarity, exactMatch } from './similarity';
import { EXAMPLE_KINDS, type ExampleKind, type StyleExample } from '../types';
import { DEFAULT_MAX_CONTEXT_TOKENS } from '../../defaults';

/*
 * How to run this against a real Ollama (the tests run it against a stand-in server, which checks
 * the mechanics, not the quality):
 *
 *   reposage index .                                    # the index the RAG rows retrieve from
 *   reposage style export . --out .reposage/style       # the validation split
 *   python src/style/recipe/train_lora.py --base Qwen/Qwen2.5-Coder-1.5B-Instruct \
 *       --data .reposage/style --out style-adapter      # on a machine with a CUDA GPU
 *   reposage style register --adapter style-adapter --base qwen2.5-coder:1.5b-instruct --name myproject-style
 *       # if Ollama cannot convert a safetensors adapter of this architecture, convert it with
 *       # llama.cpp's convert_lora_to_gguf.py and pass the .gguf file as --adapter
 *   reposage golden bootstrap . --out golden.jsonl      # or a hand-written golden set
 *   reposage style compare . --base qwen2.5-coder:1.5b-instruct --tuned myproject-style \
 *       --data .reposage/style --golden golden.jsonl
 *
 * The base must be the model the adapter was trained on, and both the same quantization, so that
 * the only difference between the rows is the adapter and the retrieval.
 */

export type ConfigName = 'base' | 'base+RAG' | 'tuned' | 'tuned+RAG';

export interface CompareOptions {
  root: string;
  base: string;
  tuned: string;
  /** The validation split of the exported style dataset. */
  examples: readonly StyleExample[];
  golden?: readonly GoldenQuestion[];
  retriever: Retriever;
  ollama: Pick<OllamaClient, 'showModel' | 'isLoaded' | 'loadModel' | 'chat' | 'chatStream'>;
  /** At most this many style examples and this many golden questions, the first ones (default 50). */
  limit?: number;
  onProgress?: (config: ConfigName, done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface StyleScores {
  examples: number;
  /** Mean edit similarity of the model's code/doc/message to the project's own, 0..1. */
  editSimilarity: number;
  /** Share of outputs identical to the project's own. */
  exactMatch: number;
}

export interface FactScores {
  questions: number;
  hits: number;
  /** hits / questions. */
  hitRate: number;
  /**
   * citation: the answer cites a retrieved block from an expected file (RAG rows).
   * path-mention: the answer names an expected file, the only way a model without retrieval can point at one.
   */
  measure: 'citation' | 'path-mention';
}

export interface CompareRow {
  config: ConfigName;
  model: string;
  rag: boolean;
  style: StyleScores & { byKind: Partial<Record<ExampleKind, StyleScores>> };
  facts?: FactScores;
}

export interface CompareReport {
  rows: CompareRow[];
}

export const DEFAULT_COMPARE_LIMIT = 50;
/** Chunks retrieved for a style prompt, before the example's own files are taken out. */
const STYLE_RETRIEVE_K = 12;
/** Context for a style prompt: a few neighbouring pieces of code, not a whole answer's worth. */
const STYLE_CONTEXT_TOKENS = 1500;
/** Longest output asked for: the expected reply's length plus this much room. */
const ANSWER_SLACK_TOKENS = 128;
const MAX_ANSWER_TOKENS = 1024;

const NO_RAG_SYSTEM_PROMPT =
  "You answer questions about the user's code repository. Name the files you mean by their paths.";

/**
 * Runs the four configurations (base, base+RAG, tuned, tuned+RAG) over the validation split (style:
 * how close the output is to what the project wrote) and over the golden questions (facts: whether
 * the answer points at the right file). Style prompts with RAG get retrieved code from other files
 * only: the example's own file would hand the model the answer.
 */
export async function compareModels(options: CompareOptions): Promise<CompareReport> {
  const { ollama, signal } = options;
  const limit = options.limit ?? DEFAULT_COMPARE_LIMIT;
  const examples = options.examples.slice(0, limit);
  const questions = (options.golden ?? []).slice(0, limit);
  const configs: Array<{ config: ConfigName; model: string; rag: boolean }> = [
    { config: 'base', model: options.base, rag: false },
    { config: 'base+RAG', model: options.base, rag: true },
    { config: 'tuned', model: options.tuned, rag: false },
    { config: 'tuned+RAG', model: options.tuned, rag: true },
  ];
  // Both models first, so a missing one is reported before any work; Ollama reloads a model whose window changes.
  const windows = new Map<string, number>();
  for (const model of [options.base, options.tuned]) {
    const info = await ollama.showModel(model, signal);
    windows.set(model, Math.min(info.contextLength ?? FALLBACK_CONTEXT_TOKENS, DEFAULT_MAX_CONTEXT_TOKENS));
  }
  // Retrieval does not depend on the model: each example's context is found once for both RAG rows.
  const contexts = new Map<StyleExample, string>();

  const rows: CompareRow[] = [];
  for (const { config, model, rag } of configs) {
    const total = examples.length + questions.length;
    let done = 0;
    const step = () => options.onProgress?.(config, ++done, total);
    const scored: Array<{ kind: ExampleKind; similarity: number; exact: boolean }> = [];
    for (const example of examples) {
      throwIfCancelled(signal);
      let context: string | undefined;
      if (rag) {
        context = contexts.get(example) ?? (await styleContext(options.retriever, example, signal));
        contexts.set(example, context);
      }
      const expected = example.messages[2].content;
      const reply = await ollama.chat({
        model,
        messages: stylePrompt(example, context),
        options: {
          temperature: 0,
          num_ctx: windows.get(model),
          num_predict: Math.min(MAX_ANSWER_TOKENS, estimateTokens(expected) + ANSWER_SLACK_TOKENS),
        },
        signal,
      });
      scored.push({
        kind: example.kind,
        similarity: editSimilarity(unfence(reply.text), unfence(expected)),
        exact: exactMatch(unfence(reply.text), unfence(expected)),
      });
      step();
    }
    const facts =
      questions.length > 0 ? await factScores(options, model, rag, questions, windows.get(model)!, step) : undefined;
    rows.push({ config, model, rag, style: styleScores(scored), ...(facts ? { facts } : {}) });
  }
  return { rows };
}

/** The example's system and user messages; with RAG, retrieved code goes before the request. */
function stylePrompt(example: StyleExample, context: string | undefined): ChatMessage[] {
  const [system, user] = example.messages;
  if (context === undefined) return [system, user];
  return [system, { role: 'user', content: `${context}\n\n${user.content}` }];
}

async function styleContext(
  retriever: Retriever,
  example: StyleExample,
  signal: AbortSignal | undefined,
): Promise<string> {
  const own = new Set(example.files);
  const query = example.messages[1].content.slice(0, 2000);
  const { chunks } = await retriever.retrieve(query, { k: STYLE_RETRIEVE_K, signal });
  const others = chunks.map((candidate) => candidate.chunk).filter((chunk) => !own.has(chunk.path));
  const { blocks } = packContext(others, { budgetTokens: STYLE_CONTEXT_TOKENS, countTokens: estimateTokens });
  const body = blocks.length > 0 ? blocks.map(formatBlock).join('\n\n') : '(No other code in the repository matched.)';
  return `Context from the repository:\n\n${body}`;
}

async function factScores(
  options: CompareOptions,
  model: string,
  rag: boolean,
  questions: readonly GoldenQuestion[],
  window: number,
  step: () => void,
): Promise<FactScores> {
  const { ollama, signal } = options;
  let hits = 0;
  for (const question of questions) {
    throwIfCancelled(signal);
    const expected = new Set(question.expected.map((location) => location.path));
    if (rag) {
      for await (const event of askQuestion(
        { question: question.question },
        { retriever: options.retriever, ollama, model, root: options.root },
        signal,
      )) {
        if (event.type === 'final' && event.citations.some((citation) => expected.has(citation.path))) hits++;
      }
    } else {
      const reply = await ollama.chat({
        model,
        messages: [
          { role: 'system', content: NO_RAG_SYSTEM_PROMPT },
          { role: 'user', content: question.question },
        ],
        options: { temperature: 0, num_ctx: window, num_predict: MAX_ANSWER_TOKENS },
        signal,
      });
      if ([...expected].some((file) => mentionsFile(reply.text, file))) hits++;
    }
    step();
  }
  return {
    questions: questions.length,
    hits,
    hitRate: questions.length > 0 ? hits / questions.length : 0,
    measure: rag ? 'citation' : 'path-mention',
  };
}

/** The path, or its file name as a word: a model that never saw the repository can only guess names. */
function mentionsFile(answer: string, file: string): boolean {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return answer.includes(file) || new RegExp(`(^|[^\\w.-])${escaped}($|[^\\w-])`).test(answer);
}

function styleScores(
  scored: ReadonlyArray<{ kind: ExampleKind; similarity: number; exact: boolean }>,
): CompareRow['style'] {
  const summarise = (items: typeof scored): StyleScores => ({
    examples: items.length,
    editSimilarity: items.length > 0 ? items.reduce((sum, item) => sum + item.similarity, 0) / items.length : 0,
    exactMatch: items.length > 0 ? items.filter((item) => item.exact).length / items.length : 0,
  });
  const byKind: Partial<Record<ExampleKind, StyleScores>> = {};
  for (const kind of EXAMPLE_KINDS) {
    const items = scored.filter((item) => item.kind === kind);
    if (items.length > 0) byKind[kind] = summarise(items);
  }
  return { ...summarise(scored), byKind };
}
