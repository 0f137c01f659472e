/**
 * s3://bucket/prefix (AWS or an S3-compatible server: ?endpoint=http://host:port or
 * deps.s3.endpoint, path-style then). A PutObject or completed multipart upload appears whole
 * or not at all, so S3 needs no temporary name; after the upload HEAD checks the size and the
 * sha256 kept in the object's metadata, and get checks both again. Checksums WHEN_REQUIRED:
 * with the SDK's default, S3-compatible servers stored the aws-chunked framing inside the
 * object (field notes section 6). The SDK loads only when an s3:// URL is opened.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { placeFile } from './local-copy.js';
import { hashFile } from '../objects/hash-file.js';
import type { Backend, GetOptions, PutOptions } from './types.js';
import type { StorageUrl } from './url.js';
import type { StorageDeps } from './registry.js';
import { StorageError, fromErrno } from './errors.js';
import { checkName, tempNameFor } from './names.js';

type Sdk = typeof import('./s3-sdk.js');

/** The SDK: from the sources through tsx, or the bundle beside the product's (computed, so esbuild leaves it apart). */
async function loadSdk(): Promise<Sdk> {
  const url = new URL(import.meta.url.endsWith('.ts') ? './s3-sdk.ts' : './s3-sdk.mjs', import.meta.url).href;
  try {
    return (await import(url)) as Sdk;
  } catch (err) {
    // The single executable carries no SDK (dist/s3-sdk.mjs is 1 MB the rescue CD does without).
    throw new StorageError('other', `The S3 client is not part of this firstaid (${url.split('/').pop()} could not be loaded: ${(err as Error).message}).`, 'Use the firstaid installed with scripts/install.sh for s3:// URLs, or copy to sftp:// or a local directory instead.');
  }
}

/** An SDK error as a StorageError kind (only network trouble and 5xx are transient). */
export function s3ErrorKind(err: unknown): StorageError['kind'] {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.code ?? '';
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return 'not-found';
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'CredentialsProviderError'].includes(name)) return 'auth';
  if (name === 'AccessDenied' || status === 403) return 'permission';
  if (name === 'EntityTooLarge' || name === 'QuotaExceeded') return 'no-space';
  if (['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'TimeoutError', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(name) || (status !== undefined && status >= 500)) return 'transient';
  if (/ECONNREFUSED|ECONNRESET|socket hang up|ETIMEDOUT/.test(String((err as Error)?.message))) return 'transient';
  return 'other';
}

export class S3Backend implements Backend {
  readonly displayUrl: string;
  constructor(private readonly sdk: Sdk, private readonly client: S3Client, readonly bucket: string, readonly prefix: string, display: string) {
    this.displayUrl = display;
  }

  private key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  private fail(err: unknown, what: string): StorageError {
    if (err instanceof StorageError) return err;
    const k = s3ErrorKind(err);
    const detail = (err as Error)?.message || (err as { name?: string })?.name || String(err);
    return new StorageError(k, `${what} on ${this.displayUrl} failed: ${detail}.`, undefined, { cause: err });
  }

  private async head(name: string): Promise<{ size: number; sha256?: string } | null> {
    try {
      const h = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
      return { size: h.ContentLength ?? -1, ...(h.Metadata?.sha256 ? { sha256: h.Metadata.sha256 } : {}) };
    } catch (err) {
      if (s3ErrorKind(err) === 'not-found') return null;
      throw this.fail(err, `query ${name}`);
    }
  }

  async put(localPath: string, name: string, opts: PutOptions = {}): Promise<void> {
    checkName(name);
    const st = await stat(localPath).catch((err: unknown) => { throw fromErrno(err, `reading ${localPath}`); });
    const sha256 = opts.sha256 ?? await hashFile(localPath);
    const { Upload } = this.sdk;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key(name), Body: createReadStream(localPath, { highWaterMark: 1 << 20 }), ContentLength: st.size, Metadata: { sha256 } },
      partSize: 8 << 20,
      queueSize: 2,
    });
    upload.on('httpUploadProgress', (p) => opts.onProgress?.({ bytesDone: p.loaded ?? 0, bytesTotal: st.size }));
    const onAbort = () => { void upload.abort(); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
    } catch (err) {
      throw this.fail(err, `put ${name}`);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    const h = await this.head(name);
    if (!h || h.size !== st.size || (h.sha256 && h.sha256 !== sha256)) {
      // Not what was sent: do not leave it under the name.
      await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(name) })).catch(() => undefined);
      throw new StorageError('corrupt', `put ${name} on ${this.displayUrl}: the server holds ${h?.size ?? 'no'} bytes, ${st.size} were sent; removed.`);
    }
  }

  async get(name: string, localPath: string, opts: GetOptions = {}): Promise<void> {
    checkName(name);
    const tmp = join(dirname(localPath), tempNameFor(basename(localPath)));
    try {
      let res;
      try {
        res = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) }), opts.signal ? { abortSignal: opts.signal } : {});
      } catch (err) {
        throw this.fail(err, `get ${name}`);
      }
      const total = res.ContentLength ?? -1;
      const hash = createHash('sha256');
      let done = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          done += chunk.length;
          opts.onProgress?.({ bytesDone: done, bytesTotal: total });
          cb(null, chunk);
        },
      });
      const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
      await pipeline(res.Body as Readable, counter, out).catch((err: unknown) => { throw this.fail(err, `get ${name}`); });
      const want = res.Metadata?.sha256;
      const got = hash.digest('hex');
      if ((total >= 0 && done !== total) || (want && want !== got)) {
        throw new StorageError('corrupt', `get ${name} from ${this.displayUrl}: ${done} bytes, sha256 ${got.slice(0, 16)}..., expected ${total} bytes${want ? `, ${want.slice(0, 16)}...` : ''}.`);
      }
      await placeFile(tmp, localPath);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err instanceof StorageError ? err : fromErrno(err, `writing ${localPath}`);
    }
  }

  private async listSizes(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const Prefix = this.prefix ? `${this.prefix}/` : '';
    let ContinuationToken: string | undefined;
    do {
      let r;
      try {
        r = await this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix, Delimiter: '/', ...(ContinuationToken ? { ContinuationToken } : {}) }));
      } catch (err) {
        throw this.fail(err, 'list');
      }
      for (const o of r.Contents ?? []) if (o.Key && o.Key !== Prefix) out.set(o.Key.slice(Prefix.length), o.Size ?? 0);
      ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return out;
  }

  async list(): Promise<string[]> {
    return [...(await this.listSizes()).keys()].sort();
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    // S3 deletes are idempotent; the contract says a missing name is an error here.
    if (!(await this.head(name))) throw new StorageError('not-found', `delete ${name} on ${this.displayUrl}: not found.`);
    await this.deleteList([name]);
  }

  async deleteList(names: string[]): Promise<void> {
    for (const n of names) {
      checkName(n);
      try {
        await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(n) }));
      } catch (err) {
        if (s3ErrorKind(err) !== 'not-found') throw this.fail(err, `delete ${n}`);
      }
    }
  }

  async query(name: string): Promise<number> {
    checkName(name);
    return (await this.head(name))?.size ?? -1;
  }

  async queryList(names: string[]): Promise<Map<string, number>> {
    const sizes = await this.listSizes();
    return new Map(names.map((n) => [n, sizes.get(n) ?? -1]));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

export async function openS3Backend(url: StorageUrl, deps: StorageDeps): Promise<Backend> {
  const sdk = await loadSdk();
  const endpoint = deps.s3?.endpoint ?? url.params.endpoint;
  if (endpoint && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) throw new StorageError('bad-url', `The S3 endpoint "${endpoint}" is not http(s)://host[:port].`);
  const accessKeyId = deps.s3?.accessKeyId ?? url.user;
  const secretAccessKey = deps.s3?.secretAccessKey ?? url.password;
  const client = new sdk.S3Client({
    region: deps.s3?.region ?? url.params.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: deps.s3?.forcePathStyle ?? true } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1, // retries are the wrapper's, once
  });
  const display = url.display.replace(/^s3:\/\/[^@/]*@/, 's3://');
  return new S3Backend(sdk, client, url.host!, url.path.replace(/^\/+|\/+$/g, ''), display);
}
