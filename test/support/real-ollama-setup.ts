import type { TestProject } from 'vitest/node';
import { SMALL_MODEL, startRealOllama } from './real-ollama';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the real Ollama server this run shares, with SMALL_MODEL created. */
    ollamaUrl: string;
    /** The `ollama` binary that server runs (for `ollama create` and the like). */
    ollamaBin: string;
  }
}

/** Once per real-server run: one server for every test file, since loading a model is the slow part. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRealOllama({ models: [SMALL_MODEL] });
  project.provide('ollamaUrl', server.url);
  project.provide('ollamaBin', server.bin);
  return server.stop;
}
