// Posts host messages into a webview page the way VS Code does (window message events), with
// Arrow frames rebuilt as Uint8Array inside the page.
import type { Page } from 'playwright-core';
import type { HostToWebview, RunPayload } from '../../../extension/dashboard/protocol';

type WireRun = Omit<RunPayload, 'frames'> & { frames: Record<string, string> };

function toWire(run: RunPayload): WireRun {
  return {
    ...run,
    frames: Object.fromEntries(
      Object.entries(run.frames)
        .filter(([, v]) => v)
        .map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')]),
    ),
  };
}

export async function postToWebview(page: Page, message: HostToWebview): Promise<void> {
  const wire =
    message.type === 'run'
      ? { ...message, run: toWire(message.run) }
      : message.type === 'compare'
        ? { ...message, runs: message.runs.map(toWire) }
        : message;
  await page.evaluate(
    (m) => {
      const decode = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const fix = (r: { frames: Record<string, unknown> }) => {
        for (const k of Object.keys(r.frames)) r.frames[k] = decode(r.frames[k] as string);
      };
      const msg = m as {
        type: string;
        run?: { frames: Record<string, unknown> };
        runs?: { frames: Record<string, unknown> }[];
      };
      if (msg.run) fix(msg.run);
      msg.runs?.forEach(fix);
      window.postMessage(msg, '*');
    },
    wire as unknown as Record<string, unknown>,
  );
}

export async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { pbPosted: { type: string }[] }).pbPosted);
}
