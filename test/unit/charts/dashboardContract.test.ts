import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, dashboardHtml, newNonce } from '../../../extension/dashboard/html';
import { isWebviewMessage } from '../../../extension/dashboard/protocol';

test('dashboard HTML: strict CSP (no unsafe-inline, no eval, nothing remote), nonce on the one script', () => {
  const nonce = newNonce();
  assert.match(nonce, /^[A-Za-z0-9]{16,}$/);
  const html = dashboardHtml({
    cspSource: 'vscode-resource:',
    scriptUri: 'vscode-resource:/dist/webview/dashboard.js',
    nonce,
    title: 'Run <x>',
  });
  const csp = contentSecurityPolicy('vscode-resource:', nonce);
  assert.ok(html.includes(csp.replace(/'/g, '&#39;')));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
  assert.match(csp, /default-src 'none'/);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}" src="vscode-resource:/dist/webview/dashboard.js">`));
  assert.ok(html.includes('<title>Run &lt;x&gt;</title>'));
  assert.throws(() => dashboardHtml({ cspSource: 'x', scriptUri: 'y', nonce: "a' 'unsafe-inline", title: '' }));
});

test('webview messages are checked against the contract; malformed ones are dropped', () => {
  assert.ok(isWebviewMessage({ type: 'ready' }));
  assert.ok(isWebviewMessage({ type: 'save', fileName: 'a.csv', mime: 'text/csv', text: 'x' }));
  assert.ok(!isWebviewMessage({ type: 'save', fileName: 'a.csv', mime: 'text/csv' }), 'no content');
  assert.ok(!isWebviewMessage({ type: 'openArtifact', path: 3 }));
  assert.ok(!isWebviewMessage({ type: 'runCommand', command: 'x' }));
  assert.ok(!isWebviewMessage(null));
});
