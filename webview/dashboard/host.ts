/** The webview's side of the host channel: typed posting and receiving (extension/dashboard/protocol.ts). */
import type { HostToWebview, WebviewToHost } from '../../extension/dashboard/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel {
  post(message: WebviewToHost): void;
  onMessage(listener: (message: HostToWebview) => void): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
}

export function connectHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    onMessage(listener) {
      window.addEventListener('message', (e: MessageEvent) => {
        const m = e.data as HostToWebview | undefined;
        if (m && typeof m === 'object' && typeof m.type === 'string') listener(m);
      });
    },
    getState: <T>() => api.getState() as T | undefined,
    setState: (s) => api.setState(s),
  };
}
