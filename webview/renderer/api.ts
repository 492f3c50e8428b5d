/**
 * The parts of VS Code's notebook renderer API (vscode-notebook-renderer) this renderer uses,
 * declared here so no extra package is needed.
 */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  readonly metadata: unknown;
  text(): string;
  json(): unknown;
  data(): Uint8Array;
}

export interface RendererContext {
  postMessage?(message: unknown): void;
  onDidReceiveMessage?(listener: (e: unknown) => void): { dispose(): void };
  readonly workspace?: { readonly isTrusted: boolean };
}

export interface RendererApi {
  renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): void | Promise<void>;
  disposeOutputItem?(id?: string): void;
}
