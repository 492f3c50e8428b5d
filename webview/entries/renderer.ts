/**
 * Notebook output renderer (package.json contributes.notebookRenderer, id `phasebook.renderer`).
 * Built as an ES module (VS Code imports renderers) to dist/webview/renderer.js.
 */
import type { RendererApi, RendererContext } from '../renderer/api';
import { downloadInPage, type SaveRequest } from '../chart/embed';
import { renderItem, type Rendered } from '../renderer/render';
import { StaleDimmer } from '../renderer/staleDimmer';

export function activate(ctx: RendererContext): RendererApi {
  const live = new Map<string, Rendered>();
  const save = (file: SaveRequest): void => {
    if (ctx.postMessage) ctx.postMessage({ type: 'save', ...file });
    else downloadInPage(file);
  };
  const dimmer = new StaleDimmer(ctx);
  return {
    renderOutputItem(item, element) {
      live.get(item.id)?.dispose();
      const r = renderItem(item, element, save);
      live.set(item.id, r);
      dimmer.rendered(item, element);
      return r.ready.catch(() => undefined);
    },
    disposeOutputItem(id) {
      if (id === undefined) {
        for (const r of live.values()) r.dispose();
        live.clear();
        dimmer.forget();
        return;
      }
      live.get(id)?.dispose();
      live.delete(id);
      dimmer.forget(id);
    },
  };
}
