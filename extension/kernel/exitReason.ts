/**
 * Why a kernel process went away, in words a user can act on. Pure: the exit code, the signal and
 * the tail of the kernel's stderr decide between "out of memory", "killed" and "crashed".
 */

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the kernel wrote to stderr. */
  stderrTail: string;
  /** The memory limit the kernel ran with (MB), when known. */
  memoryLimitMb?: number;
}

const OOM_PATTERNS = [
  /heap out of memory/i,
  /Reached heap limit/i,
  /Allocation failed/i,
  /out of memory/i,
  /std::bad_alloc/,
];

export function isOutOfMemory(exit: KernelExit): boolean {
  return OOM_PATTERNS.some((p) => p.test(exit.stderrTail));
}

/** One sentence for cells that were running and for the notification. */
export function describeKernelExit(exit: KernelExit): string {
  if (isOutOfMemory(exit)) {
    const limit = exit.memoryLimitMb ? ` (limit ${exit.memoryLimitMb} MB, setting phasebook.kernel.memoryLimitMb)` : '';
    return (
      `The Phasebook kernel ran out of memory${limit} and stopped. Restart the kernel, then run on less data ` +
      `or raise the limit.`
    );
  }
  if (exit.signal === 'SIGKILL') {
    return (
      'The Phasebook kernel was killed (SIGKILL — by the system, possibly for lack of memory, or by another ' +
      'program). Restart the kernel to run again.'
    );
  }
  if (exit.signal) return `The Phasebook kernel stopped on signal ${exit.signal}. Restart the kernel to run again.`;
  const last = exit.stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
  return (
    `The Phasebook kernel exited unexpectedly (exit code ${exit.code ?? '?'})${last ? `: ${last}` : ''}. ` +
    `Restart the kernel to run again.`
  );
}

/** Keeps the last `max` characters of a stream. */
export class TailBuffer {
  private text = '';

  constructor(private readonly max = 8192) {}

  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.max);
  }

  toString(): string {
    return this.text;
  }
}
