/** The git commit a run was made from, when its base folder is in a git work tree. */
import { execFile } from 'node:child_process';

/** `git rev-parse HEAD` in `dir`; undefined when git is missing, `dir` is not a repo, or it has no commit. */
export function gitCommit(dir: string): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const sha = String(stdout ?? '').trim();
      resolvePromise(!err && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined);
    });
  });
}
