/**
 * The kernel: a process per open notebook (docs/design.md §8). It owns a PipelineSession, runs
 * cells on request, streams events and log lines back. Forked by the extension host, it talks over
 * the IPC channel and exits when its parent goes away; started detached (PHASEBOOK_KERNEL_SOCKET
 * set, see ./detached.ts) it listens on a socket and outlives the window.
 */
import '../phases/register';
import type { KernelMessage, KernelRequest } from './protocol';
import { KernelDispatcher } from './dispatch';
import { serveDetached } from './detached';

function serveOverIpc(): void {
  const send = (m: KernelMessage): void => {
    if (process.send) process.send(m);
  };
  const dispatcher = new KernelDispatcher(send);
  // A run in flight is cancelled first: on a worker fleet that takes its queued jobs off Redis.
  const stop = (): void => void dispatcher.shutdown().finally(() => process.exit(0));
  process.on('message', (raw: unknown) => {
    const req = raw as KernelRequest;
    if (req.type === 'shutdown') return stop();
    dispatcher.receive(req);
  });
  // The host went away: nothing left to serve.
  process.on('disconnect', stop);
  send({ type: 'ready', pid: process.pid });
}

if (process.env.PHASEBOOK_KERNEL_SOCKET) serveDetached(process.env);
else serveOverIpc();
