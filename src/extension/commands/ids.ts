/** Command ids, as contributed in package.json (a unit test keeps the two in step). */
export const COMMANDS = {
  reindex: 'reposage.reindex',
  indexStatus: 'reposage.indexStatus',
  clearIndex: 'reposage.clearIndex',
  openChat: 'reposage.openChat',
  askAboutSelection: 'reposage.askAboutSelection',
  explainFile: 'reposage.explainFile',
  runEvaluation: 'reposage.runEvaluation',
  showLog: 'reposage.showLog',
  pullModels: 'reposage.pullModels',
  toggleCompletions: 'reposage.toggleCompletions',
  snoozeCompletions: 'reposage.snoozeCompletions',
  completionMenu: 'reposage.completionMenu',
  exportStyleDataset: 'reposage.exportStyleDataset',
  trainStyleAdapter: 'reposage.trainStyleAdapter',
  loadStyleAdapter: 'reposage.loadStyleAdapter',
  compareModels: 'reposage.compareModels',
  styleAdvice: 'reposage.styleAdvice',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The chat view and its container, as contributed in package.json. */
export const CHAT_VIEW_TYPE = 'reposage.chat';
export const VIEW_CONTAINER_ID = 'reposage';
