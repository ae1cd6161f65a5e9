import http from 'node:http';
import type net from 'node:net';

/** One request that passed through, with the server's whole reply. */
export interface Exchange {
  method: string;
  path: string;
  /** The request body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  status: number;
  /** The reply as the server sent it (NDJSON lines for a streamed answer), up to where the client hung up. */
  reply: string;
}

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

/**
 * Sits between a client and a real server, passing every byte through as it arrives (streams stay
 * streams) and keeping a copy of each request and reply. Lets a test of a real-server path see what
 * RepoSage sent (the prompt) and what the server answered, without a stand-in.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    const sent: Buffer[] = [];
    request.on('data', (data: Buffer) => sent.push(data));
    request.on('end', () => {
      const body = Buffer.concat(sent);
      const upstream = http.request(
        new URL(request.url ?? '/', target),
        { method: request.method, headers: { ...request.headers, host: new URL(target).host } },
        (reply) => {
          response.writeHead(reply.statusCode ?? 502, reply.headers);
          const received: Buffer[] = [];
          reply.on('data', (data: Buffer) => {
            received.push(data);
            response.write(data);
          });
          // Kept once, whole or, when the client hung up mid-stream (a completion cut at its line), as far as it went.
          let kept = false;
          const keep = () => {
            if (kept) return;
            kept = true;
            exchanges.push({
              method: request.method ?? '',
              path: new URL(request.url ?? '/', target).pathname,
              body: parse(body.toString('utf8')),
              status: reply.statusCode ?? 0,
              reply: Buffer.concat(received).toString('utf8'),
            });
          };
          reply.on('end', () => {
            keep();
            response.end();
          });
          reply.on('close', keep);
        },
      );
      // The client hung up (Stop): hang up on the server too, as the client would have.
      response.on('close', () => upstream.destroy());
      upstream.on('error', () => response.destroy());
      upstream.end(body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The text a streamed (or whole) /api/chat or /api/generate reply carried, joined in order. */
export function replyText(exchange: Exchange): string {
  return exchange.reply
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { message?: { content?: string }; response?: string })
    .map((line) => line.message?.content ?? line.response ?? '')
    .join('');
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
