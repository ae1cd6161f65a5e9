import { setTimeout as sleep } from 'node:timers/promises';
import { languageForPath } from '../languages/registry';
import { RepoSageError, isCancellation } from '../errors';
import type { OllamaClient } from '../ollama';
import { CompletionCache } from './cache';
import { ContextCache } from './context-cache';
import { gatherContext } from './context';
import { completionMode, viewAt, type CursorView } from './cursor';
import { describeCompletionModel, prefixOnlyNotice, type CompletionModel } from './fim-model';
import type { KeywordIndex } from './keyword-index';
import { packPrompt, type PackedPrompt } from './pack';
import { answerComplete, postProcess } from './postprocess';
import { RecentEdits } from './recent-edits';
import type { CompletionMode, CompletionRequest, CompletionResult, ContextItem, RecentEdit } from './types';
import { DEFAULT_KEEP_ALIVE, DEFAULT_COMPLETION_DEBOUNCE_MS } from '../defaults';

export interface CompletionSessionOptions {
  ollama: OllamaClient;
  /** An Ollama model, best one that fills in the middle (qwen2.5-coder:1.5b-base); any other sees the prefix only. */
  model: string;
  /** The workspace index; absent until one is built (completion then uses the current file alone). */
  index?: KeywordIndex;
  /** Folder with the tree-sitter grammars, when not in node_modules (the bundled extension copies them). */
  wasmDir?: string;
  /** Quiet time after a keystroke before the model is asked (default 250 ms). */
  debounceMs?: number;
  /** How long Ollama keeps the model loaded between requests (default 30 minutes). */
  keepAlive?: string | number;
  /** Hard limit on the prompt's estimated tokens, context included (default 2048). */
  maxPromptTokens?: number;
  cacheSize?: number;
  /** Told once, when the model turns out unable to fill in the middle (prefixOnlyNotice's text). */
  onNotice?: (text: string) => void;
}

/** What the benchmark and the status line read. */
export interface CompletionCounters {
  /** Calls to complete(): one per keystroke the editor reports. */
  requests: number;
  /** Requests that reached the model. */
  modelCalls: number;
  /** Requests answered from the cache, without waiting. */
  cacheHits: number;
  /** Model calls stopped before their answer because a newer request came (or the caller cancelled). */
  cancelled: number;
}

/** What the context search found, and how long it took. */
interface GatheredContext {
  candidates: ContextItem[];
  ms: number;
}

/**
 * Ollama reads the whole window size (num_ctx) as a load parameter: a request with another size
 * reloads the model. So every request asks for the same window, large enough for the prompt budget
 * with room for the estimate being short.
 */
const WINDOW_TOKENS = 4096;
const DEFAULT_MAX_PROMPT_TOKENS = 2048;
/** Tokens the model may write: a line is short; a body is cut at its end while streaming. */
const MAX_ANSWER_TOKENS: Record<CompletionMode, number> = { single: 64, multi: 256 };

/**
 * Inline completion for one editor: waits for a pause in typing, cancels the request it replaces
 * (a stale request left running keeps a local Ollama busy for seconds), answers retyped text from
 * its cache, and keeps the model loaded between requests.
 */
export class CompletionSession {
  readonly counters: CompletionCounters = { requests: 0, modelCalls: 0, cacheHits: 0, cancelled: 0 };
  readonly recentEdits = new RecentEdits();
  private readonly cache: CompletionCache;
  private readonly contextCache = new ContextCache();
  private index: KeywordIndex | undefined;
  private current: AbortController | undefined;
  private modelInfo: Promise<CompletionModel> | undefined;

  constructor(private readonly options: CompletionSessionOptions) {
    this.cache = new CompletionCache(options.cacheSize);
    this.index = options.index;
  }

  /** Switches to a newly built (or removed) index; cached answers stay valid for the same text. */
  setIndex(index: KeywordIndex | undefined): void {
    this.index = index;
    // Searches of the old index may name code that changed since.
    this.contextCache.clear();
  }

  recordEdit(edit: RecentEdit): void {
    this.recentEdits.record(edit);
  }

  /**
   * The suggestion at the cursor; its `completion` is empty when the model had nothing new.
   * Resolves undefined when a newer request (or `signal`) cancelled this one. Ollama failures
   * reject with their RepoSageError (OLLAMA_UNREACHABLE, OLLAMA_MODEL_MISSING, …).
   */
  async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult | undefined> {
    this.counters.requests++;
    this.current?.abort();
    const own = new AbortController();
    this.current = own;
    const cancel = signal ? AbortSignal.any([own.signal, signal]) : own.signal;
    const view = viewAt(request.text, request.offset);
    const cached = this.cache.get(request.path, view.prefix, view.suffix);
    if (cached.hit) {
      this.counters.cacheHits++;
      return { ...cached.answer, cached: true, timings: { contextMs: 0, modelMs: 0 } };
    }
    // The context is gathered during the pause in typing, so once the pause is over only the model is waited
    // for. A keystroke that cancels it leaves its searches in the context cache for the next one.
    const context = this.gather(request, view, cancel);
    context.catch(() => undefined);
    try {
      const debounceMs = this.options.debounceMs ?? DEFAULT_COMPLETION_DEBOUNCE_MS;
      if (debounceMs > 0) await sleep(debounceMs, undefined, { signal: cancel });
      return await this.ask(request, view, context, cancel);
    } catch (error) {
      if (isCancellation(error)) return undefined;
      throw error;
    } finally {
      if (this.current === own) this.current = undefined;
    }
  }

  /** Stops the request in flight. */
  dispose(): void {
    this.current?.abort();
    this.cache.clear();
    this.contextCache.clear();
  }

  private async gather(request: CompletionRequest, view: CursorView, signal: AbortSignal): Promise<GatheredContext> {
    const started = performance.now();
    const candidates = await gatherContext(
      { path: request.path, language: languageForPath(request.path), text: request.text, view },
      {
        index: this.index,
        recentEdits: this.recentEdits.list(),
        wasmDir: this.options.wasmDir,
        cache: this.contextCache,
      },
      signal,
    );
    return { candidates, ms: performance.now() - started };
  }

  private async ask(
    request: CompletionRequest,
    view: CursorView,
    context: Promise<GatheredContext>,
    signal: AbortSignal,
  ): Promise<CompletionResult> {
    const { info, fim } = await this.requireModel(signal);
    const { candidates, ms: gatherMs } = await context;
    const packStart = performance.now();
    const mode = completionMode(view);
    const language = languageForPath(request.path);
    const window = Math.min(info.contextLength ?? WINDOW_TOKENS, WINDOW_TOKENS);
    const maxPromptTokens = Math.min(
      this.options.maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS,
      window - MAX_ANSWER_TOKENS.multi,
    );
    const packed = packPrompt({ path: request.path, language, view, candidates, maxPromptTokens });
    const contextMs = gatherMs + performance.now() - packStart;

    const modelStart = performance.now();
    const raw = await this.generate(packed, view, mode, window, fim, signal);
    const modelMs = performance.now() - modelStart;
    const answer = {
      completion: postProcess(raw, view, mode) ?? '',
      mode,
      fim,
      context: packed.context,
      promptTokens: packed.promptTokens,
    };
    this.cache.set(request.path, view.prefix, view.suffix, answer);
    return { ...answer, cached: false, timings: { contextMs, modelMs } };
  }

  /**
   * Streams the answer and stops reading (which stops Ollama) once the rest would be cut anyway.
   * Without fill-in-the-middle the prompt goes raw: the chat template would turn code into a question.
   */
  private async generate(
    packed: PackedPrompt,
    view: CursorView,
    mode: CompletionMode,
    window: number,
    fim: boolean,
    signal: AbortSignal,
  ): Promise<string> {
    this.counters.modelCalls++;
    const stream = this.options.ollama.generateStream({
      model: this.options.model,
      prompt: packed.prompt,
      ...(fim ? { suffix: packed.suffix } : { raw: true }),
      keepAlive: this.options.keepAlive ?? DEFAULT_KEEP_ALIVE,
      signal,
      options: {
        num_ctx: window,
        num_predict: MAX_ANSWER_TOKENS[mode],
        temperature: 0.2,
        top_p: 0.9,
        ...(mode === 'single' ? { stop: ['\n'] } : {}),
      },
    });
    let text = '';
    try {
      for await (const piece of stream) {
        text += piece;
        if (piece.includes('\n') && answerComplete(text, view, mode)) break;
      }
    } catch (error) {
      if (isCancellation(error)) this.counters.cancelled++;
      throw error;
    }
    return text;
  }

  /**
   * Checked once per session and shared by the requests that wait for it, so one request being
   * cancelled does not fail the others. A failure is not remembered: starting Ollama later works.
   */
  private requireModel(signal: AbortSignal): Promise<CompletionModel> {
    if (!this.modelInfo) {
      const check = describeCompletionModel(this.options.ollama, this.options.model);
      check.then(
        ({ fim }) => fim || this.options.onNotice?.(prefixOnlyNotice(this.options.model)),
        () => undefined,
      );
      check.catch(() => {
        if (this.modelInfo === check) this.modelInfo = undefined;
      });
      this.modelInfo = check;
    }
    return untilAborted(this.modelInfo, signal);
  }
}

function cancelled(): RepoSageError {
  return new RepoSageError('CANCELLED', 'The completion was cancelled.');
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
