// Detached kernels (phasebook.kernel.detached, docs/design.md §8.5) outlive the window and code-server by design;
// a test server ends the ones its workspace started when it stops, so no run leaves kernels on the machine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folders that never hold a notebook's `.phasebook/kernels`. */
const SKIP = new Set(['node_modules', '.git', 'runs', 'data']);

/** Every `.phasebook/kernels` folder under `root`, at most `depth` folders down. */
function kernelDirs(root: string, depth: number): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    if (e.name === '.phasebook') out.push(join(root, e.name, 'kernels'));
    else if (depth > 0 && !SKIP.has(e.name)) out.push(...kernelDirs(join(root, e.name), depth - 1));
  }
  return out;
}

/** True when `pid` is the kernel of this info file (not a process that reused the pid); Linux reads /proc. */
function isKernelOf(pid: number, infoFile: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`PHASEBOOK_KERNEL_INFO=${infoFile}`);
  } catch {
    return process.platform !== 'linux';
  }
}

/** Kills (SIGKILL, with its process group) each detached kernel whose info file is under `root`; returns the pids. */
export function reapDetachedKernels(root: string, depth = 4): number[] {
  const reaped: number[] = [];
  for (const dir of kernelDirs(root, depth)) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      let pid: number;
      try {
        pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid;
      } catch {
        continue;
      }
      if (!Number.isInteger(pid) || pid <= 0 || !isKernelOf(pid, file)) continue;
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL'); // spawned detached: it leads its own process group
          break;
        } catch {
          // no such group: the pid alone (or it is gone already)
        }
      }
      reaped.push(pid);
    }
  }
  return reaped;
}
