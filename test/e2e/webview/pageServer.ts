// Serves the bundled webviews (dist/webview) on 127.0.0.1 with the same strict CSP the extension
// uses: /dashboard.html and /experiments.html are extension/dashboard/html.ts's page; /renderer.html loads the notebook
// renderer module the way a notebook webview does and exposes it as window.pbRenderer.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy, dashboardHtml, newNonce } from '../../../extension/dashboard/html';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const distWebview = join(repoRoot, 'dist', 'webview');

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { js: 'text/javascript', map: 'application/json', css: 'text/css' };

function rendererHtml(origin: string, nonce: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(origin, nonce)}">
<meta property="csp-nonce" content="${nonce}">
<title>renderer</title></head><body class="vscode-light">
<div id="out"></div>
<script type="module" nonce="${nonce}">
import { activate } from '${origin}/dist/webview/renderer.js';
window.pbPosted = [];
window.pbRenderer = activate({ postMessage: (m) => window.pbPosted.push(m) });
window.pbReady = true;
</script></body></html>`;
}

export async function startPageServer(): Promise<PageServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const nonce = newNonce();
      const panel = /^\/(dashboard|experiments)\.html$/.exec(url.pathname)?.[1];
      if (panel || url.pathname === '/renderer.html') {
        const html = panel
          ? dashboardHtml({
              cspSource: origin,
              scriptUri: `${origin}/dist/webview/${panel}.js`,
              nonce,
              title: panel === 'dashboard' ? 'Run dashboard' : 'Phasebook: Experiments',
            })
          : rendererHtml(origin, nonce);
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': contentSecurityPolicy(origin, nonce),
        });
        res.end(html);
        return;
      }
      if (url.pathname.startsWith('/dist/webview/')) {
        const file = normalize(join(distWebview, url.pathname.slice('/dist/webview/'.length)));
        if (!file.startsWith(distWebview)) throw new Error('outside dist/webview');
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream' });
        res.end(body);
        return;
      }
      res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    })().catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${addr.port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}
