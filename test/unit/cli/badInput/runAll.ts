/**
 * Runs bad-input cases in this process, each through `main` in its own project folder (chdir'd,
 * so paths print as a user would see them), echoing what the CLI writes to the real stdout /
 * stderr and ending each case with one `@@result {json}` line. Used by noStack.test.ts (every
 * case, one process) and by tests that need another user (EACCES as non-root).
 *   node --import tsx runAll.ts [case-id ...]
 */
import { rmSync } from 'node:fs';
import { main } from '../../../../core/cli/main';
import type { CliIO } from '../../../../core/cli/io';
import { allCases } from './cases';
import { writeProject } from './harness';

async function runAll(ids: string[]): Promise<void> {
  const cases = ids.length ? allCases.filter((c) => ids.includes(c.id)) : allCases;
  for (const c of cases) {
    const dir = writeProject(c);
    process.chdir(dir);
    let out = '';
    let err = '';
    const io: CliIO = {
      out: (s) => {
        out += s;
        process.stdout.write(s);
      },
      err: (s) => {
        err += s;
        process.stderr.write(s);
      },
      tty: false,
      cwd: dir,
      env: { ...c.env },
    };
    process.stdout.write(`\n@@case ${c.id}: phasebook ${c.args.join(' ')}\n`);
    const code = await main(c.args, io);
    process.stdout.write(`\n@@result ${JSON.stringify({ id: c.id, code, out, err })}\n`);
    process.chdir('/');
    rmSync(dir, { recursive: true, force: true });
  }
}

runAll(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`runAll failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
