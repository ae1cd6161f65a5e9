import { afterEach, describe, expect, it } from 'vitest';
import { OllamaClient, resolveOllamaHost } from '../../src/core/ollama';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub';
import { DEFAULT_OLLAMA_HOST } from '../../src/core/defaults';

describe('the Ollama host', () => {
  it('defaults to the local server', () => {
    expect(resolveOllamaHost(undefined, {})).toBe('http://127.0.0.1:11434');
    expect(resolveOllamaHost('  ', {})).toBe(DEFAULT_OLLAMA_HOST);
  });

  it('takes the setting over OLLAMA_HOST, and OLLAMA_HOST over the default', () => {
    expect(resolveOllamaHost('http://box:1234', { OLLAMA_HOST: 'other:5678' })).toBe('http://box:1234');
    expect(resolveOllamaHost(undefined, { OLLAMA_HOST: 'other:5678' })).toBe('http://other:5678');
  });

  it("accepts Ollama's short forms", () => {
    expect(resolveOllamaHost('gpu-box', {})).toBe('http://gpu-box:11434');
    expect(resolveOllamaHost('gpu-box:8080', {})).toBe('http://gpu-box:8080');
    expect(resolveOllamaHost(':8080', {})).toBe('http://127.0.0.1:8080');
    expect(resolveOllamaHost('0.0.0.0', {})).toBe('http://127.0.0.1:11434');
    expect(resolveOllamaHost('[::1]:11434', {})).toBe('http://[::1]:11434');
    expect(resolveOllamaHost('https://ollama.example.com/', {})).toBe('https://ollama.example.com');
    expect(resolveOllamaHost('http://proxy.example.com/ollama/', {})).toBe('http://proxy.example.com/ollama');
  });

  it('rejects something that is not an address', () => {
    expect(() => resolveOllamaHost('http://', {})).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  describe('in use', () => {
    let stub: OllamaStub;
    afterEach(() => stub.close());

    it('reaches a server named by OLLAMA_HOST without a scheme', async () => {
      stub = await startOllamaStub();
      const client = new OllamaClient({ env: { OLLAMA_HOST: new URL(stub.url).host } });

      expect(client.host).toBe(stub.url);
      expect(await client.version()).toMatch(/^\d+\.\d+\.\d+$/);
    });
  });
});
