/**
 * An S3-compatible server of the test's own: s3rver 3.7.1 (npm, filesystem-backed) on
 * 127.0.0.1 with a free port, bucket `bucket`, credentials S3RVER/S3RVER. `objectFile(key)` is
 * where it keeps an object's bytes (for the tests that check or damage what was stored).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  dir: string;
  objectFile(key: string): string;
  stop(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
  mkdirSync('/root/.cache/firstaid-test', { recursive: true, mode: 0o700 });
  const dir = mkdtempSync('/root/.cache/firstaid-test/s3-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'bucket', configs: [] }] });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'bucket',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    dir,
    objectFile: (key) => join(dir, 'bucket', `${key}._S3rver_object`),
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
