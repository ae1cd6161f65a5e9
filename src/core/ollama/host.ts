import { RepoSageError } from '../errors';
import { DEFAULT_OLLAMA_HOST } from '../defaults';

const DEFAULT_PORT = '11434';

/**
 * The Ollama server to talk to: the setting when given, else OLLAMA_HOST (which the Ollama CLI
 * reads too), else the local default.
 */
export function resolveOllamaHost(setting: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const given = setting?.trim() || env.OLLAMA_HOST?.trim();
  return given ? normalizeOllamaHost(given) : DEFAULT_OLLAMA_HOST;
}

/**
 * A base URL from the forms Ollama accepts: a full URL, `host:port`, a bare host (port 11434) or
 * `:port` (on this machine). Without a scheme it is http; with one, its usual port.
 */
export function normalizeOllamaHost(host: string): string {
  const hasScheme = host.includes('://');
  const withHost = host.startsWith(':') ? `127.0.0.1${host}` : host;
  let url: URL;
  try {
    url = new URL(hasScheme ? withHost : `http://${withHost}`);
  } catch (error) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `"${host}" is not an address of an Ollama server.`,
      'Set {setting:ollamaHost} (or OLLAMA_HOST) to an address such as http://127.0.0.1:11434.',
      { cause: error },
    );
  }
  // OLLAMA_HOST=0.0.0.0 tells the server to listen on every interface; a client on the same
  // machine reaches it on loopback, and some systems refuse to connect to 0.0.0.0 at all.
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (!hasScheme && url.port === '') url.port = DEFAULT_PORT;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
