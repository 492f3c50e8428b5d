import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StaleDimmer } from '../../../webview/renderer/staleDimmer';
import type { RendererContext } from '../../../webview/renderer/api';

/** The parts of an output element the dimmer touches. */
function element(): HTMLElement {
  return { style: {}, dataset: {} } as unknown as HTMLElement;
}

function harness() {
  const posted: unknown[] = [];
  let listener: ((m: unknown) => void) | undefined;
  const ctx: RendererContext = {
    postMessage: (m) => posted.push(m),
    onDidReceiveMessage: (l) => {
      listener = l;
      return { dispose: () => undefined };
    },
  };
  const dimmer = new StaleDimmer(ctx);
  return { dimmer, posted, send: (m: unknown) => listener?.(m) };
}

test('the renderer dims the outputs of the cells the host says are stale, and says which it dims', () => {
  const { dimmer, posted, send } = harness();
  assert.deepEqual(posted, [{ type: 'rendererReady' }], 'it asks for the stale cells when it starts');
  const features = element();
  const labels = element();
  const untagged = element();
  dimmer.rendered({ id: 'a', metadata: { phasebookCell: 'features' } }, features);
  dimmer.rendered({ id: 'b', metadata: { phasebookCell: 'labels' } }, labels);
  dimmer.rendered({ id: 'c', metadata: { title: 'x' } }, untagged);
  send({ type: 'staleCells', cells: ['features', 'cv'] });
  assert.equal(features.style.opacity, '0.45');
  assert.equal(features.dataset.pbStale, 'true');
  assert.equal(labels.style.opacity, '');
  assert.equal(untagged.style.opacity, undefined, 'an output without a cell is left alone');
  assert.deepEqual(posted.at(-1), { type: 'dimmed', cells: ['features'] });
  // An output drawn later for a stale cell is dimmed as it is drawn; back to fresh, nothing is.
  const again = element();
  dimmer.rendered({ id: 'd', metadata: { phasebookCell: 'cv' } }, again);
  assert.equal(again.style.opacity, '0.45');
  assert.deepEqual(posted.at(-1), { type: 'dimmed', cells: ['cv', 'features'] });
  send({ type: 'staleCells', cells: [] });
  assert.equal(features.style.opacity, '');
  assert.equal(features.dataset.pbStale, undefined);
  assert.deepEqual(posted.at(-1), { type: 'dimmed', cells: [] });
  const sent = posted.length;
  send({ type: 'save', fileName: 'x' });
  send({ type: 'staleCells', cells: [] });
  assert.equal(posted.length, sent, 'other messages, and the same stale cells again, post nothing');
});
