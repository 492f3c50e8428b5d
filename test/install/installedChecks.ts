// What the installed-package test reads off the running system: the kernels' mapped libraries
// (Linux /proc) and the activation time in the extension host's logs.
import { readdirSync, readFileSync } from 'node:fs';

export interface KernelLibraries {
  pid: number;
  /** Every nodejs-polars native addon the process has mapped (absolute paths). */
  polars: string[];
}

/** Processes running `<extensionDir>/dist/kernel.js`, with the nodejs-polars addons they mapped. */
export function kernelLibraries(extensionDir: string): KernelLibraries[] {
  const kernel = `${extensionDir}/dist/kernel.js`;
  const out: KernelLibraries[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    let maps: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmdline.split('\0').includes(kernel)) continue;
      maps = readFileSync(`/proc/${name}/maps`, 'utf8');
    } catch {
      continue; // gone, or not ours to read
    }
    const polars = [
      ...new Set(
        maps
          .split('\n')
          .map((l) => l.slice(l.indexOf('/')))
          .filter((p) => p.startsWith('/') && /nodejs-polars[^/]*\.node$/.test(p)),
      ),
    ];
    out.push({ pid: Number(name), polars });
  }
  return out;
}

const STAMP = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})/;

function stampOf(line: string): number | undefined {
  const m = STAMP.exec(line);
  return m ? Date.parse(m[1].replace(' ', 'T')) : undefined;
}

/**
 * Milliseconds from the extension host starting to activate phasebook.phasebook (its
 * `_doActivateExtension` line: before the bundle is loaded) to the extension's own "activated"
 * line in its log channel (the end of activate()). Undefined when either line is missing.
 */
export function activationMs(log: string): number | undefined {
  const lines = log.split('\n');
  const start = lines.find((l) => /_doActivateExtension phasebook\.phasebook\b/.test(l));
  const end = lines.find((l) => /\] Phasebook \S+ activated in /.test(l));
  const a = start ? stampOf(start) : undefined;
  const b = end ? stampOf(end) : undefined;
  return a !== undefined && b !== undefined ? b - a : undefined;
}
