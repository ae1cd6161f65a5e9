import type { ErrorCode } from '../../core/errors';
import type { SettingName } from '../config/settings';

/** Something the user can do about an error, offered as a button on its notification. */
export type ErrorAction =
  | { kind: 'startOllama' }
  | { kind: 'ollamaHelp' }
  | { kind: 'pullModel' }
  | { kind: 'reindex' }
  | { kind: 'rebuildIndex' }
  | { kind: 'openSetting'; setting: SettingName }
  | { kind: 'showLog' };

/**
 * What to offer for each core error code, decided once for the whole extension. `satisfies` makes a
 * new code in core a compile error here until someone decides what the user can do about it.
 */
const ACTIONS = {
  OLLAMA_UNREACHABLE: [{ kind: 'startOllama' }, { kind: 'ollamaHelp' }, { kind: 'openSetting', setting: 'ollamaHost' }],
  OLLAMA_MODEL_MISSING: [{ kind: 'pullModel' }, { kind: 'openSetting', setting: 'chatModel' }],
  OLLAMA_TIMEOUT: [{ kind: 'showLog' }],
  OLLAMA_RESPONSE_CUT: [{ kind: 'showLog' }],
  OLLAMA_NO_FIM: [{ kind: 'openSetting', setting: 'completionModel' }],
  // Raised for the chat model and the completion model alike; the message names which model it was.
  OLLAMA_NO_COMPLETION: [
    { kind: 'openSetting', setting: 'chatModel' },
    { kind: 'openSetting', setting: 'completionModel' },
  ],
  OLLAMA_ERROR: [{ kind: 'showLog' }],
  OLLAMA_AUTH: [{ kind: 'openSetting', setting: 'ollamaHost' }],
  OLLAMA_BAD_REPLY: [{ kind: 'openSetting', setting: 'ollamaHost' }],
  INDEX_MISSING: [{ kind: 'reindex' }],
  INDEX_CORRUPT: [{ kind: 'rebuildIndex' }],
  INDEX_MISMATCH: [{ kind: 'rebuildIndex' }],
  INDEX_LOCKED: [{ kind: 'showLog' }],
  INDEX_UNREACHABLE: [{ kind: 'showLog' }],
  MODEL_NOT_FOUND: [{ kind: 'openSetting', setting: 'modelsDir' }, { kind: 'showLog' }],
  MODEL_LOAD_FAILED: [{ kind: 'openSetting', setting: 'modelsDir' }, { kind: 'showLog' }],
  ADAPTER_MISMATCH: [{ kind: 'showLog' }],
  ADAPTER_UNSUPPORTED: [],
  FILE_UNREADABLE: [{ kind: 'showLog' }],
  INVALID_INPUT: [],
  INSTALL_INCOMPLETE: [{ kind: 'showLog' }],
  CANCELLED: [],
} as const satisfies Record<ErrorCode, readonly ErrorAction[]>;

/** Errors without a code (bugs, I/O surprises) still point at the log. */
export function actionsFor(code: ErrorCode | undefined): readonly ErrorAction[] {
  return code ? ACTIONS[code] : [{ kind: 'showLog' }];
}
