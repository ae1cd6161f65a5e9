import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './build-dist';

/**
 * A real S3-compatible server (MinIO) for the object-storage tests and benchmarks: built from its Go
 * module by build.sh beside this file (cached under ~/.cache), started on a free loopback port with
 * its own data folder and credentials, stopped when done.
 */

const run = promisify(execFile);
const PREFIX = process.env.REPOSAGE_MINIO_PREFIX ?? path.join(os.homedir(), '.cache', 'reposage-minio');
export const MINIO_BIN = path.join(PREFIX, 'bin', 'minio');
/** About 5 minutes on two cores; far longer on a busy machine. */
const BUILD_TIMEOUT_MS = 60 * 60_000;
const START_TIMEOUT_MS = 60_000;
const REGION = 'us-east-1';

export interface RealMinio {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** What a RepoSage process needs to reach this server: the standard AWS variables only. */
  env: Record<string, string>;
  dataDir: string;
  logFile: string;
  createBucket(name: string): Promise<void>;
  /** Stops the server, keeping its data (restart() brings it back on the same port). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds MinIO with build.sh unless the binary is there; a lock keeps parallel runs from building twice. */
export async function ensureMinioBinary(): Promise<string> {
  if (await isBuilt()) return MINIO_BIN;
  await fs.mkdir(PREFIX, { recursive: true });
  // From the sources repoRoot is the repository; bundled into dist/bench.js, __dirname is dist/ itself.
  const script = [repoRoot, path.resolve(__dirname, '..')]
    .map((root) => path.join(root, 'test', 'support', 'real-minio', 'build.sh'))
    .find((candidate) => existsSync(candidate));
  if (!script) throw new Error('test/support/real-minio/build.sh not found beside the tests or the bundle.');
  const log = path.join(PREFIX, 'build.log');
  await run(
    'flock',
    [path.join(PREFIX, 'build.lock'), 'bash', '-c', `bash "$0" "$1" > "$2" 2>&1`, script, PREFIX, log],
    {
      timeout: BUILD_TIMEOUT_MS,
    },
  ).catch(async (error: unknown) => {
    const tail = (await fs.readFile(log, 'utf8').catch(() => '')).slice(-2000);
    throw new Error(`Building MinIO failed (${String(error)}); end of ${log}:\n${tail}`);
  });
  if (!(await isBuilt())) throw new Error(`The MinIO build left no binary at ${MINIO_BIN}.`);
  return MINIO_BIN;
}

async function isBuilt(): Promise<boolean> {
  return existsSync(MINIO_BIN) && existsSync(`${MINIO_BIN}.version`);
}

/**
 * Starts MinIO on 127.0.0.1 only (its defaults listen on every interface, with a console on a
 * random port: both are pinned to loopback here, the console switched off), with fresh credentials
 * and an empty data folder.
 */
export async function startMinio(): Promise<RealMinio> {
  const bin = await ensureMinioBinary();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-minio-'));
  const dataDir = path.join(work, 'data');
  await fs.mkdir(dataDir);
  const logFile = path.join(work, 'server.log');
  const port = await freePort();
  const consolePort = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKey = `reposage${process.pid}`;
  const secretKey = createHash('sha256').update(`${work}${Date.now()}`).digest('hex').slice(0, 32);
  let child: ChildProcess | undefined;

  const launch = async () => {
    child = spawn(
      bin,
      ['server', '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, dataDir],
      {
        env: {
          PATH: process.env.PATH,
          HOME: work,
          MINIO_ROOT_USER: accessKey,
          MINIO_ROOT_PASSWORD: secretKey,
          MINIO_BROWSER: 'off',
          MINIO_UPDATE: 'off',
          MINIO_REGION: REGION,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await waitForHealth(endpoint, child, logFile);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    }
  };

  await launch();
  return {
    endpoint,
    accessKey,
    secretKey,
    env: {
      AWS_ACCESS_KEY_ID: accessKey,
      AWS_SECRET_ACCESS_KEY: secretKey,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ALLOW_HTTP: 'true',
    },
    dataDir,
    logFile,
    createBucket: (name) => createBucket(endpoint, accessKey, secretKey, name),
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      await fs.rm(work, { recursive: true, force: true });
    },
  };
}

/**
 * PUT Bucket, signed with AWS Signature V4. The tests need exactly one S3 call that LanceDB does not
 * make (creating a bucket); a full S3 SDK for it would be the largest dependency of the test suite.
 */
async function createBucket(endpoint: string, accessKey: string, secretKey: string, bucket: string): Promise<void> {
  // On a busy machine MinIO can report ready and still answer 503 "not initialized" for a few seconds.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const response = await putBucket(endpoint, accessKey, secretKey, bucket);
    if (response.ok) return;
    const body = await response.text();
    if (response.status !== 503 || Date.now() > deadline) {
      throw new Error(`Creating bucket ${bucket} failed: ${response.status} ${body}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function putBucket(endpoint: string, accessKey: string, secretKey: string, bucket: string): Promise<Response> {
  const url = new URL(`/${bucket}`, endpoint);
  const now = new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = createHash('sha256').update('').digest('hex');
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
  };
  const signedHeaders = Object.keys(headers).sort().join(';');
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((key) => `${key}:${headers[key]}\n`)
    .join('');
  const canonical = ['PUT', url.pathname, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${REGION}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, day), REGION), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return fetch(url, {
    method: 'PUT',
    headers: {
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
      authorization:
        `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signedHeaders}, ` +
        `Signature=${signature}`,
    },
  });
}

async function waitForHealth(endpoint: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      // Ready, not live: a live server may still answer 503 "not initialized" to the first requests.
      if ((await fetch(`${endpoint}/minio/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = await fs.readFile(logFile, 'utf8').catch(() => '');
  child.kill('SIGKILL');
  throw new Error(`MinIO did not become ready at ${endpoint}; its log:\n${log.slice(-2000)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
