import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RepoSageError } from '../../src/core/errors';
import { OllamaClient } from '../../src/core/ollama';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { runCli } from '../support/run-cli';
import { makeTempDir } from '../support/temp-dir';

const TOKEN = 'team-secret-7f3a';
const MODEL = 'qwen2.5-coder:7b';

async function failure(promise: Promise<unknown>): Promise<RepoSageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RepoSageError);
  return error as RepoSageError;
}

/** A team's shared Ollama behind a proxy that wants a bearer token. */
describe('a shared Ollama server that wants a token', () => {
  let stub: OllamaStub;
  afterEach(() => stub.close());

  it('says plainly when no token was given (401), without echoing any header', async () => {
    stub = await startOllamaStub({ token: TOKEN });

    const error = await failure(new OllamaClient({ host: stub.url, env: {} }).showModel(MODEL));

    expect(error.code).toBe('OLLAMA_AUTH');
    expect(error.message).toContain('HTTP 401');
    expect(error.hint).toContain('OLLAMA_API_KEY');
    expect(error.hint).toContain('reposage.ollamaHeaders');
  });

  it('says plainly when the token is refused (403), never repeating it', async () => {
    stub = await startOllamaStub({ token: TOKEN });
    const wrong = 'wrong-token-1234';

    const error = await failure(
      new OllamaClient({ host: stub.url, env: {}, headers: { Authorization: `Bearer ${wrong}` } }).listModels(),
    );

    expect(error.code).toBe('OLLAMA_AUTH');
    expect(error.message).toContain('HTTP 403');
    expect(`${error.message} ${error.hint} ${String(error.cause)}`).not.toContain(wrong);
  });

  it('sends OLLAMA_API_KEY as a bearer token on every request: answers, streams and blobs', async () => {
    stub = await startOllamaStub({ token: TOKEN });
    const client = new OllamaClient({ host: stub.url, env: { OLLAMA_API_KEY: TOKEN } });
    const temp = await makeTempDir();
    try {
      const file = path.join(temp.dir, 'adapter.bin');
      await fs.writeFile(file, 'weights');

      await client.showModel(MODEL);
      let text = '';
      for await (const piece of client.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }))
        text += piece;
      await client.pushBlob(file);

      expect(text).not.toBe('');
      expect(stub.requests.map((request) => request.path)).toEqual([
        '/api/show',
        '/api/chat',
        expect.stringMatching(/^\/api\/blobs\//),
        expect.stringMatching(/^\/api\/blobs\//),
      ]);
      for (const request of stub.requests) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      await temp.cleanup();
    }
  });

  it('sends configured headers, which take precedence over OLLAMA_API_KEY', async () => {
    stub = await startOllamaStub({ token: TOKEN });
    const client = new OllamaClient({
      host: stub.url,
      env: { OLLAMA_API_KEY: 'stale' },
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Team': 'core' },
    });

    await client.listModels();

    expect(stub.requests[0].headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-team': 'core' });
  });
});

/** HTTPS with the team's own certificate authority, through the CLI as a user runs it. */
describe('a shared Ollama server over HTTPS', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let stub: OllamaStub;
  let caFile: string;
  let source: string;
  beforeAll(async () => {
    temp = await makeTempDir('reposage-tls-');
    const key = path.join(temp.dir, 'key.pem');
    caFile = path.join(temp.dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        caFile,
      ],
      { stdio: 'ignore' },
    );
    stub = await startOllamaStub({
      token: TOKEN,
      tls: { key: await fs.readFile(key, 'utf8'), cert: await fs.readFile(caFile, 'utf8') },
    });
    source = path.join(temp.dir, 'sum.ts');
    await fs.writeFile(source, 'export function sum(values: number[]): number {\n  \n}\n');
  });
  afterAll(async () => {
    await stub.close();
    await temp.cleanup();
  });

  const complete = (env: NodeJS.ProcessEnv) =>
    runCli(
      [
        'complete',
        '--file',
        source,
        '--line',
        '2',
        '--column',
        '3',
        '--ollama',
        stub.url,
        '--model',
        'qwen2.5-coder:1.5b-base',
        '--json',
        temp.dir,
      ],
      env,
    );

  it('completes over https when the CA is trusted and the token given', async () => {
    const result = await complete({ NODE_EXTRA_CA_CERTS: caFile, OLLAMA_API_KEY: TOKEN });

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.completion).not.toBe('');
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('names the untrusted certificate and the fix', async () => {
    const result = await complete({ OLLAMA_API_KEY: TOKEN });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Cannot trust the TLS certificate');
    expect(result.stderr).toContain('NODE_EXTRA_CA_CERTS');
  });
});
