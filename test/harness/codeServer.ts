// Starts and stops code-server (the real VS Code workbench) on a free loopback port, with a
// temp user-data dir, extensions dir (holding the repository's built extension) and workspace.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestResultsDir, installedCodeServer, repoRoot } from './paths';
import { reapDetachedKernels } from './detachedKernels';
import { installVsix } from './installVsix';
import { stageExtension, stageWorkspace, writeUserSettings } from './stage';

export interface CodeServerOptions {
  /** Names the temp folder and the log file (test-results/code-server-<name>.log). */
  name: string;
  /** Extra environment for the server; the extension host inherits it. */
  env?: Record<string, string>;
  /** Files to add to the workspace (relative path -> text), after examples/ is copied. */
  workspaceFiles?: Record<string, string>;
  /** User settings on top of the quiet defaults (e.g. turn workspace trust back on). */
  settings?: Record<string, unknown>;
  /** Keep workspace trust on (code-server is otherwise started with --disable-workspace-trust). */
  workspaceTrust?: boolean;
  startTimeoutMs?: number;
  /** Keep the temp folders after stop() (for debugging); also PHASEBOOK_KEEP_TEMP=1. */
  keepTemp?: boolean;
  /** Install this .vsix with `--install-extension` instead of staging the checkout's build (test/install). */
  vsix?: string;
  /** Start from an empty workspace (plus workspaceFiles) instead of a copy of examples/. */
  emptyWorkspace?: boolean;
  /** Runs after the folders are staged, before the server starts; returns extra environment. */
  prepare?: (dirs: StagedDirs) => Promise<Record<string, string>> | Record<string, string>;
}

export interface StagedDirs {
  /** The temp folder holding everything below (removed by stop()). */
  base: string;
  workspaceDir: string;
  extensionDir: string;
  userDataDir: string;
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The workbench URL with the workspace folder opened. */
  readonly workbenchUrl: string;
  readonly workspaceDir: string;
  readonly extensionsDir: string;
  readonly extensionDir: string;
  readonly userDataDir: string;
  readonly logFile: string;
  /** Recent server output, for error messages. */
  logTail(lines?: number): string;
  /** Concatenated extension host logs (the extension's console output lands here). */
  extensionHostLog(): string;
  stop(): Promise<void>;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the server, its extension host and everything they forked
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

async function waitForHealthy(url: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms:\n${tail()}`);
}

function findLogs(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(p)) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const tools = installedCodeServer();
  const base = mkdtempSync(join(tmpdir(), `phasebook-${options.name}-`));
  const workspaceDir = join(base, 'workspace');
  const extensionsDir = join(base, 'extensions');
  const userDataDir = join(base, 'user-data');
  let extensionDir: string;
  let preparedEnv: Record<string, string>;
  try {
    extensionDir = options.vsix
      ? installVsix(tools, options.vsix, { extensionsDir, userDataDir, base })
      : stageExtension(repoRoot, extensionsDir);
    stageWorkspace(repoRoot, workspaceDir, options.workspaceFiles, !options.emptyWorkspace);
    writeUserSettings(userDataDir, {
      ...(options.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {}),
      ...options.settings,
    });
    preparedEnv = options.prepare ? await options.prepare({ base, workspaceDir, extensionDir, userDataDir }) : {};
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw err;
  }
  const configFile = join(base, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');

  const logFile = join(ensureTestResultsDir(), `code-server-${options.name}.log`);
  const logStream = createWriteStream(logFile);
  const recent: string[] = [];
  const tail = (lines = 40): string => recent.slice(-lines).join('');

  const port = await freeLoopbackPort();
  const args = [
    tools.entry,
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    workspaceDir,
  ];
  const child = spawn(process.execPath, args, {
    cwd: base,
    detached: true, // own process group, so stop() ends everything it started and nothing else
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      ...preparedEnv,
      XDG_CONFIG_HOME: join(base, 'xdg-config'),
      XDG_DATA_HOME: join(base, 'xdg-data'),
      // The extension host must not think it runs under the harness's own node test runner.
      NODE_OPTIONS: '',
      NODE_TEST_CONTEXT: '',
    },
  });
  live.add(child);
  const onData = (chunk: Buffer): void => {
    logStream.write(chunk);
    recent.push(chunk.toString());
    if (recent.length > 400) recent.splice(0, recent.length - 400);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // leftovers in the group (extension host, kernels)
    reapDetachedKernels(base, 5); // detached kernels left the group on purpose
    live.delete(child);
    logStream.end();
    if (!(options.keepTemp || process.env.PHASEBOOK_KEEP_TEMP === '1')) rmSync(base, { recursive: true, force: true });
  };

  try {
    await waitForHealthy(url, child, options.startTimeoutMs ?? 60_000, () => tail());
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    url,
    workbenchUrl: `${url}/?folder=${encodeURIComponent(workspaceDir)}`,
    workspaceDir,
    extensionsDir,
    extensionDir,
    userDataDir,
    logFile,
    logTail: tail,
    extensionHostLog: () =>
      findLogs(join(userDataDir, 'logs'), /exthost/i)
        .map((f) => `== ${f}\n${readFileSync(f, 'utf8')}`)
        .join('\n'),
    stop,
  };
}
