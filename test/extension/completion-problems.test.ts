import { afterEach, describe, expect, it } from 'vitest';
import { CompletionSession } from '../../src/core/completion';
import { RepoSageError } from '../../src/core/errors';
import { OllamaClient } from '../../src/core/ollama';
import { type CompletionProblem, ProblemLatch } from '../../src/extension/completion/problems';
import { suggestInline } from '../../src/extension/completion/suggest';
import { type OllamaStub, type OllamaStubOptions, startOllamaStub } from '../support/ollama-stub';

const T0 = 1_700_000_000_000;
const FILE = {
  path: 'src/total.ts',
  text: 'export function total(values: number[]) {\n  return values.reduce(\n}\n',
  cursor: { line: 1, character: 23 },
};

/** A latch that remembers what it was asked to show. */
function recordingLatch() {
  const shown: Array<CompletionProblem | undefined> = [];
  return { latch: new ProblemLatch((problem) => shown.push(problem)), shown };
}

describe('ProblemLatch', () => {
  it('shows a problem once however often it repeats, and a different one again', () => {
    const { latch, shown } = recordingLatch();
    const down = new RepoSageError(
      'OLLAMA_UNREACHABLE',
      'Ollama is not running at http://127.0.0.1:11434.',
      'Start it with `ollama serve`.',
    );
    expect(latch.fail(down, T0)).toBe(true);
    expect(latch.fail(down, T0 + 20_000)).toBe(false);
    expect(
      latch.fail(
        new RepoSageError(
          'OLLAMA_UNREACHABLE',
          'Ollama is not running at http://127.0.0.1:11434.',
          'Start it with `ollama serve`.',
        ),
        T0 + 40_000,
      ),
    ).toBe(false);
    expect(
      latch.fail(new RepoSageError('OLLAMA_MODEL_MISSING', 'No model qwen2.5-coder:1.5b-base.'), T0 + 60_000),
    ).toBe(true);
    expect(shown.map((problem) => problem?.code)).toEqual(['OLLAMA_UNREACHABLE', 'OLLAMA_MODEL_MISSING']);
    expect(shown[0]?.message).toBe('Ollama is not running at http://127.0.0.1:11434. Start it with `ollama serve`.');
  });

  it('holds requests until a retry is due: soon for a server that may start, never for a model without FIM', () => {
    const latch = new ProblemLatch();
    latch.fail(new RepoSageError('OLLAMA_UNREACHABLE', 'down'), T0);
    expect(latch.holds(T0 + 14_999)).toBe(true);
    expect(latch.holds(T0 + 15_000)).toBe(false);
    latch.fail(new Error('socket hang up'), T0);
    expect(latch.holds(T0 + 29_999)).toBe(true);
    expect(latch.holds(T0 + 30_000)).toBe(false);
    latch.fail(new RepoSageError('OLLAMA_NO_FIM', 'no fim'), T0);
    expect(latch.holds(T0 + 24 * 3_600_000)).toBe(true);
  });

  it('ignores cancellations, and clears once with news that all is well', () => {
    const { latch, shown } = recordingLatch();
    expect(latch.fail(new RepoSageError('CANCELLED', 'cancelled'), T0)).toBe(false);
    expect(latch.clear()).toBe(false);
    latch.fail(new RepoSageError('OLLAMA_TIMEOUT', 'slow'), T0);
    expect(latch.clear()).toBe(true);
    expect(latch.clear()).toBe(false);
    expect(latch.holds(T0)).toBe(false);
    expect(shown.map((problem) => problem?.code)).toEqual(['OLLAMA_TIMEOUT', undefined]);
  });
});

describe('completion failures against a real (stand-in) Ollama', () => {
  let stub: OllamaStub | undefined;
  let session: CompletionSession | undefined;
  let now = T0;
  const clock = () => now;

  afterEach(async () => {
    session?.dispose();
    await stub?.close();
    stub = session = undefined;
    now = T0;
  });

  async function start(options: OllamaStubOptions, model = 'qwen2.5-coder:1.5b-base') {
    stub = await startOllamaStub({ respond: () => '(sum, v) => sum + v, 0);', ...options });
    session = new CompletionSession({ ollama: new OllamaClient({ host: stub.url }), model, debounceMs: 0 });
    return { stub, session, ...recordingLatch() };
  }

  const ask = (latch: ProblemLatch) => suggestInline(session!, latch, FILE, new AbortController().signal, clock);

  it('suggests from a model without fill-in-the-middle, as no problem, describing the model once', async () => {
    const { stub, latch, shown } = await start({ models: [{ name: 'llama3.2:3b' }] }, 'llama3.2:3b');
    for (let i = 0; i < 3; i++) {
      expect(await ask(latch)).toBeDefined();
      now += 60_000;
    }
    expect(shown.filter((problem) => problem !== undefined)).toEqual([]);
    expect(stub.requestsTo('/api/show')).toHaveLength(1);
    expect(stub.requestsTo('/api/generate').every((request) => request.body?.raw === true)).toBe(true);
  });

  it('recovers once the missing model is pulled: one problem shown, then one all-clear', async () => {
    const { stub, latch, shown } = await start({ models: [] });
    expect(await ask(latch)).toBeUndefined();
    expect(await ask(latch)).toBeUndefined();
    expect(stub.requestsTo('/api/show')).toHaveLength(1);

    await new OllamaClient({ host: stub.url }).pullModel('qwen2.5-coder:1.5b-base');
    now += 15_000;
    const suggestion = await ask(latch);
    expect(suggestion?.insertText).toBe('  return values.reduce((sum, v) => sum + v, 0);');
    expect(shown.map((problem) => problem?.code)).toEqual(['OLLAMA_MODEL_MISSING', undefined]);
  });

  it('shows Ollama being down once while it stays down, retrying now and then', async () => {
    const { stub, latch, shown } = await start({});
    await stub.close();
    for (let i = 0; i < 4; i++) {
      expect(await ask(latch)).toBeUndefined();
      now += 16_000;
    }
    expect(shown.map((problem) => problem?.code)).toEqual(['OLLAMA_UNREACHABLE']);
    expect(latch.current()?.message).toContain(stub.url.replace('http://', ''));
  });
});
