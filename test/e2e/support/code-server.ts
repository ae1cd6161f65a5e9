import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where test/e2e/install-code-server.sh puts code-server. */
export const CODE_SERVER_BIN = path.join(
  process.env.REPOSAGE_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache', 'reposage', 'code-server'),
  'node_modules',
  '.bin',
  'code-server',
);

export async function codeServerInstalled(): Promise<boolean> {
  return fs.access(CODE_SERVER_BIN).then(
    () => true,
    () => false,
  );
}

/** Installs a VSIX into an extensions folder of the test's own, never the user's. */
export async function installExtension(vsix: string, extensionsDir: string): Promise<void> {
  await run(CODE_SERVER_BIN, ['--extensions-dir', extensionsDir, '--install-extension', vsix], { timeout: 120_000 });
}

export interface CodeServerOptions {
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Written to the test user's settings.json before the start. */
  settings: Record<string, unknown>;
  /** code-server's own output goes here, for when a test fails. */
  logFile: string;
}

export interface RunningCodeServer {
  url: string;
  stop(): Promise<void>;
}

/** Serves the workspace on loopback with no auth; resolves once the server answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const userDir = path.join(options.userDataDir, 'User');
  await fs.mkdir(userDir, { recursive: true });
  await fs.writeFile(
    path.join(userDir, 'settings.json'),
    JSON.stringify(
      {
        // Keep the workbench quiet and predictable for screenshots and selectors.
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        // Trusted unless a test turns trust on to check the restricted mode.
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        ...options.settings,
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const log = await fs.open(options.logFile, 'a');
  const child = spawn(
    CODE_SERVER_BIN,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir',
      options.userDataDir,
      '--extensions-dir',
      options.extensionsDir,
      options.workspace,
    ],
    {
      // Its own process group, so stop() ends the server and the extension host it forked, by our pid.
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { ...process.env, CODE_SERVER_CONFIG: path.join(options.userDataDir, 'config.yaml') },
    },
  );
  await log.close();
  const url = `http://127.0.0.1:${port}`;
  const server = { url, stop: () => stopGroup(child) };
  try {
    await waitForHttp(`${url}/healthz`, child, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  // The group may outlive its leader for a moment (the extension host); end whatever is left.
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000}s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
