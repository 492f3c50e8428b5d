/**
 * The artifact store (docs/design.md §4.9): where a worker fleet exchanges cell results. One interface, two
 * backends — a directory (local disk or a shared filesystem such as NFS) and S3-compatible object
 * storage. Objects are immutable: a name is written once (atomically) and never changes, so a
 * reader sees a whole object or none and two writers of one name write the same bytes.
 */
export interface ArtifactStore {
  /** Where it is, as given (for logs and messages). */
  readonly url: string;
  has(name: string): Promise<boolean>;
  /** The object's bytes, or undefined when it does not exist. */
  get(name: string): Promise<Buffer | undefined>;
  /** Writes the object unless it exists (same name, same bytes). */
  put(name: string, data: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** A store that cannot be reached or used: the message names the store and what failed. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Object names are relative, slash-separated, without '..': they never escape the store. */
export function checkObjectName(name: string): string {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name) || name.split('/').some((p) => p === '..' || p === '.')) {
    throw new StoreError(`invalid object name '${name}'`);
  }
  return name;
}
