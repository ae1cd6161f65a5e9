export { startOllamaStub, OllamaStub, type OllamaStubOptions, type RecordedRequest } from './server';
export { DEFAULT_MODELS, CHAT_TEMPLATE, FIM_TEMPLATE, GEMMA3_270M, type StubModelSpec } from './models';
export {
  defaultRespond,
  parseContextBlocks,
  type ContextBlockRef,
  type Responder,
  type StubCompletionRequest,
} from './responders';
