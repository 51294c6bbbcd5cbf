/**
 * The webview's side of the channel to the extension host: typed `postMessage`, typed incoming messages and the
 * webview's saved view state (which survives the webview being hidden and re-created).
 */
import type { HostToWebview, WebviewToHost } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The host, as the app sees it. */
export interface HostChannel {
  post(message: WebviewToHost): void;
  onMessage(handler: (message: HostToWebview) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Connects to the extension host (call once: `acquireVsCodeApi` may only be called once per page). */
export function connectHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data;
        // Only our host's messages have a string `type`; anything else (e.g. from an extension of the page) is ignored.
        if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string')
          handler(data as HostToWebview);
      });
    },
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
