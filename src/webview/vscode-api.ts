import type { FromWebview } from '../shared/chat-protocol';

/** What the webview keeps across being hidden and shown (the transcript comes from the extension). */
export interface ViewState {
  draft: string;
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
    const saved = this.api.getState() as Partial<ViewState> | undefined;
    return { draft: typeof saved?.draft === 'string' ? saved.draft : '' };
  }

  set state(state: ViewState) {
    this.api.setState(state);
  }
}
