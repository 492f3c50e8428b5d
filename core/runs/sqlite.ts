/**
 * SQLite through sql.js (SQLite compiled to WebAssembly: nothing native, nothing downloaded at
 * install). A database file is read whole, changed in memory and written back atomically under
 * a lock file, so two processes never interleave their writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomicWrite';

export type SqlValue = number | string | Uint8Array | null;

export interface QueryResult {
  columns: string[];
  values: SqlValue[][];
}

export interface SqlDatabase {
  run(sql: string, params?: SqlValue[]): void;
  exec(sql: string): QueryResult[];
  prepare(sql: string): { run(params?: SqlValue[]): void; free(): void };
  export(): Uint8Array;
  close(): void;
}

interface SqlJsStatic {
  Database: new (data?: Uint8Array) => SqlDatabase;
}

let engine: Promise<SqlJsStatic> | undefined;

/**
 * sql.js's wasm: next to the bundle in a packaged extension (scripts/package.mjs copies it into
 * dist/), else from node_modules (a checkout, tests under tsx).
 */
export function sqlWasmPath(): string {
  const packaged = join(__dirname, 'sql-wasm.wasm');
  return existsSync(packaged) ? packaged : require.resolve('sql.js/dist/sql-wasm.wasm');
}

/** Loads the wasm engine once per process. */
export function sqlEngine(): Promise<SqlJsStatic> {
  engine ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const init = require('sql.js') as (cfg: { wasmBinary: ArrayBuffer }) => Promise<SqlJsStatic>;
    const wasm = readFileSync(sqlWasmPath());
    return init({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
  })();
  return engine;
}

/** Opens a database file read-only in memory (undefined when the file does not exist). */
export async function openDatabase(path: string): Promise<SqlDatabase | undefined> {
  if (!existsSync(path)) return undefined;
  const SQL = await sqlEngine();
  return new SQL.Database(new Uint8Array(await readFile(path)));
}

async function lock(path: string, timeoutMs = 10_000): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  const t0 = Date.now();
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => unlink(lockPath).catch(() => undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 30_000) await unlink(lockPath).catch(() => undefined);
      else if (Date.now() - t0 > timeoutMs) throw new Error(`${lockPath} is held by another process`, { cause: e });
      else await new Promise((ok) => setTimeout(ok, 50));
    }
  }
}

/** Opens (or creates) the file, lets `change` modify it, writes it back atomically. */
export async function updateDatabase<T>(path: string, change: (db: SqlDatabase) => T): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const SQL = await sqlEngine();
  const release = await lock(path);
  try {
    const db = existsSync(path) ? new SQL.Database(new Uint8Array(await readFile(path))) : new SQL.Database();
    try {
      const out = change(db);
      await writeFileAtomic(path, Buffer.from(db.export()));
      return out;
    } finally {
      db.close();
    }
  } finally {
    await release();
  }
}
