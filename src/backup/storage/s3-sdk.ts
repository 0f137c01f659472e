/**
 * The AWS SDK parts the s3 backend uses, as one module: bundled apart (dist/s3-sdk.mjs), so
 * the product's own bundle stays small for the first frame and the SDK loads only for s3://.
 */
export { S3Client, HeadObjectCommand, GetObjectCommand, DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
