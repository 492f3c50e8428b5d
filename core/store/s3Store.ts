/**
 * The S3-compatible backend (@aws-sdk/client-s3; AWS, MinIO, ...). A put is conditional
 * (If-None-Match: *): an object that exists already is left as it is — same name, same bytes.
 * Credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
 * profiles, instance roles).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { checkObjectName, StoreError, type ArtifactStore } from './types';

export interface S3Location {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region: string;
}

type Sdk = typeof import('@aws-sdk/client-s3');

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export class S3Store implements ArtifactStore {
  private client?: Promise<{ sdk: Sdk; s3: S3Client }>;

  constructor(
    readonly url: string,
    private readonly loc: S3Location,
  ) {}

  private conn(): Promise<{ sdk: Sdk; s3: S3Client }> {
    this.client ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        region: this.loc.region,
        endpoint: this.loc.endpoint,
        forcePathStyle: this.loc.endpoint !== undefined,
      }),
    }));
    return this.client;
  }

  private key(name: string): string {
    return this.loc.prefix ? `${this.loc.prefix}/${checkObjectName(name)}` : checkObjectName(name);
  }

  private fail(what: string, name: string, e: unknown): never {
    throw new StoreError(
      `the S3 store ${this.url} could not ${what} '${name}': ${(e as Error).name}: ${(e as Error).message}`,
    );
  }

  async has(name: string): Promise<boolean> {
    const { sdk, s3 } = await this.conn();
    try {
      await s3.send(new sdk.HeadObjectCommand({ Bucket: this.loc.bucket, Key: this.key(name) }));
      return true;
    } catch (e) {
      if (status(e) === 404) return false;
      return this.fail('look up', name, e);
    }
  }

  async get(name: string): Promise<Buffer | undefined> {
    const { sdk, s3 } = await this.conn();
    try {
      const r = await s3.send(new sdk.GetObjectCommand({ Bucket: this.loc.bucket, Key: this.key(name) }));
      return r.Body ? Buffer.from(await r.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (e) {
      if (status(e) === 404) return undefined;
      return this.fail('read', name, e);
    }
  }

  async put(name: string, data: Buffer): Promise<void> {
    if (await this.has(name)) return;
    const { sdk, s3 } = await this.conn();
    try {
      await s3.send(
        new sdk.PutObjectCommand({ Bucket: this.loc.bucket, Key: this.key(name), Body: data, IfNoneMatch: '*' }),
      );
    } catch (e) {
      // 412: someone else wrote it first (same name, same bytes).
      if (status(e) === 412) return;
      this.fail('write', name, e);
    }
  }

  async close(): Promise<void> {
    if (this.client) (await this.client).s3.destroy();
  }
}
