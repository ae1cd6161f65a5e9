import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of an S3 server that counts what the server sends back: the bytes
 * a query reads from object storage. Requests pass through unchanged, Host header included, so
 * their AWS signatures still verify at the server.
 */
export interface CountingProxy {
  /** Base URL to give LanceDB as AWS_ENDPOINT_URL. */
  endpoint: string;
  /** Requests and response body bytes since the last reset. */
  counts(): { requests: number; bytes: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let requests = 0;
  let bytes = 0;
  const server = http.createServer((request, response) => {
    requests++;
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.on('data', (data: Buffer) => {
          bytes += data.length;
        });
        reply.pipe(response);
      },
    );
    forwarded.on('error', (error) => response.destroy(error));
    request.pipe(forwarded);
  });
  // LanceDB keeps connections alive between requests, as it would to a real server.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ requests, bytes }),
    reset: () => {
      requests = 0;
      bytes = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
