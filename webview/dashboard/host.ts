/**
 * A webview's side of the host channel: typed posting and receiving (extension/dashboard/protocol.ts by default;
 * the grid view, the experiments table and the Pipeline graph pass their own contracts' types).
 */
import type { HostToWebview, WebviewToHost } from '../../extension/dashboard/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel<In extends { type: string } = HostToWebview, Out = WebviewToHost> {
  post(message: Out): void;
  onMessage(listener: (message: In) => void): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
}

export function connectHost<In extends { type: string } = HostToWebview, Out = WebviewToHost>(): HostChannel<In, Out> {
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    onMessage(listener) {
      window.addEventListener('message', (e: MessageEvent) => {
        const m = e.data as In | undefined;
        if (m && typeof m === 'object' && typeof m.type === 'string') listener(m);
      });
    },
    getState: <T>() => api.getState() as T | undefined,
    setState: (s) => api.setState(s),
  };
}
