import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './build-dist';

/**
 * A real Ollama server for the real-server tier, the e2e tier and the benchmarks: built from its Go
 * module by the shared script (cached under ~/.cache), started on a free loopback port with its own
 * models folder, stopped when done. The models folder persists under ~/.cache so a model is created once.
 */

const run = promisify(execFile);
const TOOLS = path.resolve(repoRoot, '..', 'shared', 'tools', 'ollama');
const PREFIX = process.env.REPOSAGE_OLLAMA_PREFIX ?? path.join(os.homedir(), '.cache', 'reposage-ollama');
export const OLLAMA_BIN = path.join(PREFIX, 'bin', 'ollama');
const MODELS_DIR = path.join(PREFIX, 'test-models');
/** A cold build takes 20-30 minutes on two busy cores. */
const BUILD_TIMEOUT_MS = 60 * 60_000;
const START_TIMEOUT_MS = 60_000;

/** The small real model every real-server test uses (Gemma 3 270M: real weights, tokenizer and template). */
export const SMALL_MODEL = 'gemma3-270m';
/** Its GGUF file, where gemma3-270m.sh leaves it. */
export const SMALL_MODEL_GGUF = path.join(
  process.env.GEMMA_DIR ?? path.join(os.homedir(), '.cache', 'reposage-models', 'gemma3-270m'),
  'gemma-3-270m-q4_k_m.gguf',
);

export interface RealOllama {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  bin: string;
  /** Environment that points the `ollama` CLI (and RepoSage's OLLAMA_HOST) at this server. */
  env: NodeJS.ProcessEnv;
  /** Where the server writes its log; read it when a test fails. */
  logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Models to create before returning (see ensureModel). */
  models?: string[];
  /** Extra server environment (OLLAMA_KEEP_ALIVE, OLLAMA_NUM_PARALLEL, …). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds the server with the shared script unless the binary is there. The build is serialised by a
 * lock file, so test tiers started together do not build twice.
 */
export async function ensureOllamaBinary(): Promise<string> {
  if (await runs(OLLAMA_BIN)) return OLLAMA_BIN;
  await fs.mkdir(PREFIX, { recursive: true });
  const script = path.join(TOOLS, 'build.sh');
  if (!existsSync(script))
    throw new Error(`Cannot build Ollama: ${script} is missing (../shared must sit beside the repository).`);
  const log = path.join(PREFIX, 'build.log');
  await run(
    'flock',
    [path.join(PREFIX, 'build.lock'), 'bash', '-c', `bash "$0" "$1" > "$2" 2>&1`, script, PREFIX, log],
    {
      timeout: BUILD_TIMEOUT_MS,
    },
  ).catch(async (error: unknown) => {
    const tail = (await fs.readFile(log, 'utf8').catch(() => '')).slice(-2000);
    throw new Error(`Building Ollama failed (${String(error)}); end of ${log}:\n${tail}`);
  });
  if (!(await runs(OLLAMA_BIN))) throw new Error(`The Ollama build left no working binary at ${OLLAMA_BIN}.`);
  return OLLAMA_BIN;
}

/** Starts `ollama serve` on a free loopback port and waits until it answers /api/version. */
export async function startRealOllama(options: StartOptions = {}): Promise<RealOllama> {
  const bin = await ensureOllamaBinary();
  await fs.mkdir(MODELS_DIR, { recursive: true });
  const port = await freePort();
  const logDir = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-ollama-'));
  const logFile = path.join(logDir, 'server.log');
  const env: NodeJS.ProcessEnv = { ...process.env, OLLAMA_HOST: `127.0.0.1:${port}` };
  const child = spawn(bin, ['serve'], {
    env: {
      ...env,
      OLLAMA_MODELS: MODELS_DIR,
      // Two busy cores: one request and one model at a time keeps the figures honest.
      OLLAMA_NUM_PARALLEL: '1',
      OLLAMA_MAX_LOADED_MODELS: '1',
      OLLAMA_NOPRUNE: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const server: RealOllama = { url, bin, env, logFile, stop: () => stopServer(child, logDir) };
  try {
    await waitForVersion(url, child, logFile);
    for (const model of options.models ?? []) await ensureModel(server, model);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * Makes sure the named model exists in the server. Only models RepoSage knows how to make offline
 * are supported; the library is unreachable here.
 */
export async function ensureModel(server: RealOllama, model: string): Promise<void> {
  if (await hasModel(server.url, model)) return;
  if (model !== SMALL_MODEL)
    throw new Error(`The real-server harness cannot make the model ${model}; only ${SMALL_MODEL}.`);
  await run('bash', [path.join(TOOLS, 'gemma3-270m.sh'), server.bin], {
    env: server.env,
    timeout: 20 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: unknown) => {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(
      `Creating ${model} failed: ${String(error)}\n${(stdout ?? '').slice(-1000)}${(stderr ?? '').slice(-2000)}`,
    );
  });
  if (!(await hasModel(server.url, model))) throw new Error(`${model} is still missing after gemma3-270m.sh ran.`);
}

async function hasModel(url: string, model: string): Promise<boolean> {
  const response = await fetch(`${url}/api/tags`);
  const { models } = (await response.json()) as { models: { name: string }[] };
  return models.some(({ name }) => name === model || name === `${model}:latest`);
}

async function runs(bin: string): Promise<boolean> {
  if (!existsSync(bin)) return false;
  try {
    await run(bin, ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForVersion(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ollama serve exited (${child.exitCode ?? child.signalCode}); log:\n${await tail(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/api/version`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `ollama serve did not answer at ${url} within ${START_TIMEOUT_MS / 1000} s; log:\n${await tail(logFile)}`,
  );
}

async function stopServer(child: ChildProcess, logDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await fs.rm(logDir, { recursive: true, force: true });
}

async function tail(file: string): Promise<string> {
  return (await fs.readFile(file, 'utf8').catch(() => '')).slice(-3000);
}
