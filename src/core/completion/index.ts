export { CompletionSession, type CompletionCounters, type CompletionSessionOptions } from './session';
export { openKeywordIndex, type KeywordIndex, type OpenedKeywordIndex } from './keyword-index';
export { FIM_MODELS, prefixOnlyNotice } from './fim-model';
export { offsetOf } from './cursor';
export {
  evaluateCompletionQuality,
  editSimilarity,
  type QualityOptions,
  type QualityReport,
  type QualityScores,
} from './quality';
export { heldOutCases, type CaseOptions, type QualityCase } from './quality-cases';
export type {
  CompletionMode,
  CompletionRequest,
  CompletionResult,
  ContextItem,
  ContextSource,
  RecentEdit,
} from './types';
