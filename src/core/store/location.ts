import * as lancedb from '@lancedb/lancedb';
import { RepoSageError } from '../errors';

/**
 * Where an index lives: a local folder, or an object-store URI (`s3://bucket/prefix`, `gs://…`,
 * `az://…`) that LanceDB opens through its own object-store support. Everything the store does
 * outside LanceDB's tables (the manifest, the writer lock, removing the index) asks this module
 * which kind it has, so a URI never turns into a local folder named `s3:`.
 */
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isObjectStore(dbDir: string): boolean {
  return URI_SCHEME.test(dbDir) && !/^file:\/\//i.test(dbDir);
}

/** The same index whatever the spelling: `s3://bucket/prefix/` and `s3://bucket/prefix` are one. */
export function normalizeObjectStoreUri(uri: string): string {
  return uri.replace(/\/+$/, '');
}

/**
 * Storage options LanceDB does not take from the environment by itself. LanceDB (through the Rust
 * object_store crate) reads the AWS_* variables and the AWS profile chain; the AWS CLI and SDKs
 * spell an S3-compatible endpoint AWS_ENDPOINT_URL, and such a server (MinIO) needs a region
 * although it ignores it, so both are filled in here when the user gave an endpoint and no region.
 */
export function objectStoreOptions(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const options: Record<string, string> = {};
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint && !env.AWS_ENDPOINT) options.aws_endpoint = endpoint;
  if ((endpoint || env.AWS_ENDPOINT) && !env.AWS_REGION && !env.AWS_DEFAULT_REGION) options.aws_region = 'us-east-1';
  return options;
}

/**
 * LanceDB keeps the metadata of every table version it reads, up to 1 GB by default: an index build
 * commits hundreds of versions, and at 36k chunks held ~60 MB of them that are never read again
 * (peak RSS of that build 629 -> 543 MB with this cap). A local index's current version needs far
 * less. The cache of index data, which makes searches fast, keeps its default. Object storage keeps
 * LanceDB's defaults: there every metadata read is a request.
 */
const LOCAL_METADATA_CACHE_BYTES = 16 * 1024 * 1024;
let localSession: lancedb.Session | undefined;

/** Opens the LanceDB database of an index, local or in object storage. */
export function connectIndex(dbDir: string): Promise<lancedb.Connection> {
  if (isObjectStore(dbDir)) return lancedb.connect(dbDir, { storageOptions: objectStoreOptions() });
  localSession ??= new lancedb.Session(undefined, BigInt(LOCAL_METADATA_CACHE_BYTES));
  return lancedb.connect(dbDir, { session: localSession });
}

/**
 * An object-store failure in words the user can act on: which index, what the store said, what to
 * check. LanceDB's errors carry the S3 error code or the connection failure in their text.
 */
export function objectStoreError(dbDir: string, error: unknown): RepoSageError {
  if (error instanceof RepoSageError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const cause = { cause: error };
  if (/InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|403 Forbidden|credential/i.test(text)) {
    return new RepoSageError(
      'INDEX_UNREACHABLE',
      `The object store refused the credentials for ${dbDir}.`,
      'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and that they may read and write that bucket.',
      cause,
    );
  }
  if (/NoSuchBucket|bucket.*(not exist|not found)/i.test(text)) {
    return new RepoSageError(
      'INDEX_UNREACHABLE',
      `The bucket of ${dbDir} does not exist.`,
      'Create the bucket, or correct the URI.',
      cause,
    );
  }
  if (/connect|refused|timed? ?out|dns|error sending request|broken pipe|reset by peer/i.test(text)) {
    return new RepoSageError(
      'INDEX_UNREACHABLE',
      `The object store holding ${dbDir} cannot be reached.`,
      'Check AWS_ENDPOINT_URL and that the server is up; the index there is left as it was.',
      cause,
    );
  }
  return new RepoSageError(
    'INDEX_UNREACHABLE',
    `The index in ${dbDir} could not be read or written: ${firstLine(text)}`,
    'Check the object store and its credentials.',
    cause,
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}
