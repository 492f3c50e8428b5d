/** The directory backend: one file per object, written to a temp file and renamed into place. */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../runs/atomicWrite';
import { checkObjectName, type ArtifactStore } from './types';

export class DirectoryStore implements ArtifactStore {
  constructor(
    readonly url: string,
    private readonly root: string,
  ) {}

  private path(name: string): string {
    return join(this.root, checkObjectName(name));
  }

  async has(name: string): Promise<boolean> {
    return existsSync(this.path(name));
  }

  async get(name: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(name: string, data: Buffer): Promise<void> {
    const p = this.path(name);
    if (existsSync(p)) return;
    await mkdir(dirname(p), { recursive: true });
    await writeFileAtomic(p, data);
  }

  async close(): Promise<void> {}
}
