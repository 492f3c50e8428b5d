// Child processes of bench/run.mjs: spawn with echo and timing, and the JSON line each entry prints last.
import { spawn } from 'node:child_process';
import { relative } from 'node:path';

/** Runs a command in ROOT, echoing its output; resolves with its stdout and wall ms, rejects on a non-zero exit. */
export function runCommand(root, cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: root, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (opts.echo !== false) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0)
        reject(
          new Error(
            `${relative(root, args.find((a) => /\.(m?js|py)$/.test(a)) ?? cmd)} exited with ${code}: ` +
              `${stderr.trim().split('\n').slice(-3).join(' / ')}`,
          ),
        );
      else resolve({ stdout, wallMs });
    });
  });
}

/** The last JSON line a benchmark entry printed. */
export const lastJson = (stdout) =>
  JSON.parse(
    stdout
      .trim()
      .split('\n')
      .filter((l) => /^[[{]/.test(l))
      .pop(),
  );
