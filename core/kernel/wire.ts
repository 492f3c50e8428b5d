/**
 * The detached kernel's wire (docs/design.md §8): the same messages as the IPC channel, framed on a
 * Unix socket (a named pipe on Windows) as a 4-byte big-endian length and the structured-clone
 * (`node:v8`) bytes, so Uint8Array payloads cross as they do with `serialization: 'advanced'`.
 * A client proves it belongs to the workspace with the token in the kernel's info file (mode 0600).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { KernelEvent, OpenReply } from './protocol';

/** A frame larger than this is a protocol error, not a message (guards a corrupt length prefix). */
const MAX_FRAME_BYTES = 1 << 30;

export function encodeFrame(message: unknown): Buffer {
  const body = serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream into messages; feed it every chunk the socket delivers, in order. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): unknown[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: unknown[] = [];
    while (this.pending.length >= 4) {
      const size = this.pending.readUInt32BE(0);
      if (size > MAX_FRAME_BYTES) throw new Error(`kernel frame of ${size} bytes exceeds the ${MAX_FRAME_BYTES} limit`);
      if (this.pending.length < 4 + size) break;
      out.push(deserialize(this.pending.subarray(4, 4 + size)));
      this.pending = this.pending.subarray(4 + size);
    }
    return out;
  }
}

/** Constant-time token comparison (both sides hashed first, so lengths never leak through timing). */
export function tokensEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** `<kernels dir>/<id>.json`: what a host needs to find, trust and reach a detached kernel. */
export interface DetachedKernelInfo {
  pid: number;
  token: string;
  engineVersion: string;
  notebookUri: string;
  socketPath: string;
  startedAt: string;
}

/** The first message a client sends on the socket. */
export interface HelloRequest {
  type: 'hello';
  token: string;
  engineVersion: string;
}

/** The kernel's answer to a good hello: where the notebook stands, so the host can pick up. */
export interface WelcomeMessage {
  type: 'welcome';
  pid: number;
  engineVersion: string;
  /** The notebook text the kernel's session was opened or last updated with (none: open it). */
  text?: string;
  /** The reply to the last `open` (its roots), when there was one. */
  opened?: OpenReply;
  /** A request (a run) is still being worked on. */
  busy: boolean;
  /** The latest event of each cell the current or last request touched, in the order they happened. */
  replay: KernelEvent[];
  /** The snapshot hit its bound: older cells' events were dropped. */
  truncated: boolean;
}

export interface RefusedMessage {
  type: 'refused';
  reason: string;
}
