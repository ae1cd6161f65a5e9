import { parseFromWebview, type FromWebview } from '../shared/chat-protocol';

type Ask = Extract<FromWebview, { type: 'ask' }>;

/** What the webview keeps across being hidden and shown (the transcript comes from the extension). */
export interface ViewState {
  draft: string;
  /** The question last sent, until the extension is seen to have it: VS Code may replace the page meanwhile. */
  unsent?: Ask;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's only channel to the extension; typed so every message matches the protocol. */
export class Host {
  private readonly api = acquireVsCodeApi();

  post(message: FromWebview): void {
    this.api.postMessage(message);
  }

  get state(): ViewState {
    const saved = this.api.getState() as Partial<Record<keyof ViewState, unknown>> | undefined;
    const unsent = parseFromWebview(saved?.unsent);
    return {
      draft: typeof saved?.draft === 'string' ? saved.draft : '',
      unsent: unsent?.type === 'ask' ? unsent : undefined,
    };
  }

  /** Saves `changes`, keeping the rest of the state. */
  update(changes: Partial<ViewState>): void {
    this.api.setState({ ...this.state, ...changes });
  }
}
