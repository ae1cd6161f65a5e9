import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultRespond, startOllamaStub, type OllamaStub, type Responder } from '../../support/ollama-stub';
import { testModels } from '../../support/models';
import { installExtension, startCodeServer, type RunningCodeServer } from './code-server';
import { Workbench } from './workbench';

export const EXTENSION_ID = 'reposage.reposage';

export interface SessionOptions {
  vsix: string;
  /** A folder under test/e2e/fixtures, copied so the test never writes into the repository. */
  fixture: string;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Pause between streamed tokens of the stand-in model, so streaming can be watched. */
  tokenDelayMs?: number;
  /** A real Ollama server to answer instead of the stand-in (none is started then). */
  ollamaUrl?: string;
}

/**
 * Everything one e2e test file runs against: a copy of a fixture repository, the stand-in Ollama
 * server (or a real one the test started), code-server with the VSIX installed, and a browser on its
 * workbench. `respond` can be swapped between tests to script the stand-in model's answers.
 */
export class Session {
  private constructor(
    readonly workbench: Workbench,
    private readonly ownStub: OllamaStub | undefined,
    readonly workspace: string,
    private readonly server: RunningCodeServer,
    private readonly base: string,
    private readonly script: { respond: Responder },
  ) {}

  /** The stand-in server; a session on a real server has none. */
  get stub(): OllamaStub {
    if (!this.ownStub) throw new Error('This session talks to a real Ollama server: it has no stand-in to script.');
    return this.ownStub;
  }

  /** What the stand-in model answers from now on. */
  set respond(responder: Responder) {
    this.script.respond = responder;
  }

  static async start(options: SessionOptions): Promise<Session> {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-e2e-'));
    const workspace = path.join(base, options.fixture);
    await fs.cp(path.resolve(__dirname, '..', 'fixtures', options.fixture), workspace, { recursive: true });
    const extensionsDir = path.join(base, 'extensions');
    await installExtension(options.vsix, extensionsDir);

    const script = { respond: defaultRespond };
    const stub = options.ollamaUrl
      ? undefined
      : await startOllamaStub({ respond: (request) => script.respond(request), chunkDelayMs: options.tokenDelayMs });
    let server: RunningCodeServer | undefined;
    let workbench: Workbench | undefined;
    try {
      server = await startCodeServer({
        workspace,
        userDataDir: path.join(base, 'user-data'),
        extensionsDir,
        logFile: path.join(base, 'code-server.log'),
        settings: {
          'reposage.ollamaHost': options.ollamaUrl ?? stub?.url,
          'reposage.modelsDir': testModels().modelsDir,
          // The tests index from the palette, as a user would, and wait for exactly that run.
          'reposage.index.autoIndex': false,
          ...options.settings,
        },
      });
      workbench = await Workbench.open(server.url, workspace);
      // The status bar entry appears when the extension has activated (after startup).
      await workbench.waitForStatusBar(/RepoSage/, 120_000);
      return new Session(workbench, stub, workspace, server, base, script);
    } catch (error) {
      await workbench?.screenshot('session-start-failed').catch(() => undefined);
      await workbench?.close();
      await server?.stop();
      await stub?.close();
      throw new Error(`The e2e session did not start; code-server's log is in ${base}/code-server.log`, {
        cause: error,
      });
    }
  }

  /** For an afterEach: a screenshot named after the test, when it failed. */
  async screenshotIfFailed(task: { name: string; result?: { state?: string } }): Promise<void> {
    if (task.result?.state === 'fail') await this.workbench.screenshot(`failed-${task.name.replace(/\W+/g, '-')}`);
  }

  /** Closes the browser, stops code-server by its pid and the stub; keeps the temp folder if asked. */
  async stop(keep = false): Promise<void> {
    await this.workbench.close().catch(() => undefined);
    await this.server.stop();
    await this.ownStub?.close();
    if (!keep) await fs.rm(this.base, { recursive: true, force: true });
  }
}
