/**
 * The detached kernel (docs/design.md §8): started by a host with `detached: true`, it listens on a
 * socket (named pipe on Windows) in the workspace's `.phasebook/kernels/`, serves one client at a
 * time after a token check, and keeps a snapshot of the run (./replay.ts) for the next client —
 * so a reload of the window, or a restart of the extension host, does not end a long run. With no
 * client and nothing running it exits after the idle timeout, removing its socket and info file.
 */
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { ENGINE_VERSION } from '../version';
import type { KernelMessage, KernelRequest, OpenReply } from './protocol';
import { KernelDispatcher } from './dispatch';
import { RunSnapshot } from './replay';
import { encodeFrame, FrameDecoder, tokensEqual, type DetachedKernelInfo, type HelloRequest } from './wire';

/** A client that says nothing for this long after connecting is dropped. */
const HELLO_TIMEOUT_MS = 5000;

interface DetachedConfig {
  socketPath: string;
  infoPath: string;
  token: string;
  notebookUri: string;
  idleMs: number;
}

function configFrom(env: NodeJS.ProcessEnv): DetachedConfig {
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`the detached Phasebook kernel needs ${k} in its environment`);
    return v;
  };
  const idle = Number(env.PHASEBOOK_KERNEL_IDLE_MS ?? 5 * 60_000);
  return {
    socketPath: need('PHASEBOOK_KERNEL_SOCKET'),
    infoPath: need('PHASEBOOK_KERNEL_INFO'),
    token: need('PHASEBOOK_KERNEL_TOKEN'),
    notebookUri: env.PHASEBOOK_KERNEL_NOTEBOOK ?? '',
    idleMs: Number.isFinite(idle) && idle > 0 ? idle : 5 * 60_000,
  };
}

interface Client {
  socket: Socket;
  send(m: KernelMessage | object): void;
}

export function serveDetached(env: NodeJS.ProcessEnv): void {
  const cfg = configFrom(env);
  delete env.PHASEBOOK_KERNEL_TOKEN; // user code in ts cells has no use for it
  const snapshot = new RunSnapshot();
  /** kernel-side request id -> the client that asked and its id; replies to a gone client are dropped. */
  const asked = new Map<number, { client: Client; id: number; type: KernelRequest['type'] }>();
  let nextId = 1;
  let client: Client | undefined;
  let text: string | undefined;
  let opened: OpenReply | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  const send = (m: KernelMessage): void => {
    if (m.type === 'event') snapshot.record(m.event);
    if (m.type === 'response') {
      const who = asked.get(m.id);
      asked.delete(m.id);
      if (who?.type === 'open' && m.ok) opened = m.result as OpenReply;
      if (who && who.client === client) who.client.send({ ...m, id: who.id });
      return;
    }
    client?.send(m);
  };
  const dispatcher = new KernelDispatcher(send, {
    started: (req) => {
      if (req.type === 'run' || req.type === 'runStale') snapshot.reset();
      if (req.type === 'open' || req.type === 'update') text = req.text;
    },
    settled: () => {
      if (!dispatcher.busy) client?.send({ type: 'idle' });
      armIdle();
    },
  });

  const exit = (): never => {
    rmSync(cfg.infoPath, { force: true });
    if (process.platform !== 'win32') rmSync(cfg.socketPath, { force: true });
    process.exit(0);
  };
  // A run in flight is cancelled first: on a worker fleet that takes its queued jobs off Redis.
  const stop = (): void => void dispatcher.shutdown().finally(exit);
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    if (!client && !dispatcher.busy) idleTimer = setTimeout(exit, cfg.idleMs);
  };

  const onRequest = (from: Client, req: KernelRequest): void => {
    if (req.type === 'shutdown') return stop();
    if (req.type === 'cancel') return dispatcher.receive(req);
    const id = nextId++;
    asked.set(id, { client: from, id: req.id, type: req.type });
    dispatcher.receive({ ...req, id });
  };

  const accept = (socket: Socket): void => {
    const decoder = new FrameDecoder();
    const self: Client = { socket, send: (m) => socket.writable && socket.write(encodeFrame(m)) };
    let greeted = false;
    const helloTimer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const raw of messages) {
        if (greeted) {
          onRequest(self, raw as KernelRequest);
          continue;
        }
        clearTimeout(helloTimer);
        const hello = raw as Partial<HelloRequest>;
        const refuse = (reason: string): void => {
          self.send({ type: 'refused', reason });
          socket.end();
        };
        if (hello.type !== 'hello' || !tokensEqual(cfg.token, hello.token)) return refuse('wrong token');
        if (hello.engineVersion !== ENGINE_VERSION)
          return refuse(`the kernel runs engine ${ENGINE_VERSION}, the host expects ${String(hello.engineVersion)}`);
        greeted = true;
        if (client && client !== self) client.socket.destroy(); // one window at a time: the newest wins
        client = self;
        clearTimeout(idleTimer);
        self.send({
          type: 'welcome',
          pid: process.pid,
          engineVersion: ENGINE_VERSION,
          text,
          opened,
          busy: dispatcher.busy,
          replay: snapshot.events(),
          truncated: snapshot.truncated,
        });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (client === self) client = undefined;
      armIdle();
    });
  };

  if (process.platform !== 'win32') rmSync(cfg.socketPath, { force: true });
  const server = createServer(accept);
  const umask = process.umask(0o177); // the socket is created 0600
  server.listen(cfg.socketPath, () => {
    process.umask(umask);
    if (process.platform !== 'win32') chmodSync(cfg.socketPath, 0o600);
    const info: DetachedKernelInfo = {
      pid: process.pid,
      token: cfg.token,
      engineVersion: ENGINE_VERSION,
      notebookUri: cfg.notebookUri,
      socketPath: cfg.socketPath,
      startedAt: new Date().toISOString(),
    };
    const tmp = `${cfg.infoPath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600 });
    renameSync(tmp, cfg.infoPath); // a host polling for the file never reads half of it
    armIdle();
  });
  process.on('SIGTERM', stop);
}
