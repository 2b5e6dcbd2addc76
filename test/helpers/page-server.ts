/** A loopback HTTP server that plays whatever response the test sets next. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
  /** Send the headers and this many bytes of the body, then cut the connection. */
  truncateAt?: number;
}

export interface PageServer {
  url(path?: string): string;
  /** Every request's path and headers, in order. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Sets the reply for a path (default: all paths); a function is called per request. */
  set(reply: Reply | ((req: IncomingMessage) => Reply), path?: string): void;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const replies = new Map<string, Reply | ((req: IncomingMessage) => Reply)>();
  const requests: PageServer['requests'] = [];
  const server: Server = createServer((req, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const entry = replies.get(path) ?? replies.get('*') ?? { status: 404, body: 'not found' };
    const reply = typeof entry === 'function' ? entry(req) : entry;
    const send = () => {
      const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : (reply.body ?? Buffer.alloc(0));
      const headers = { 'content-type': 'text/html; charset=utf-8', ...reply.headers };
      if (reply.truncateAt !== undefined) {
        res.writeHead(reply.status ?? 200, { ...headers, 'content-length': String(body.length) });
        res.write(body.subarray(0, reply.truncateAt));
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(body);
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    requests,
    set(reply, path = '*') {
      replies.set(path, reply);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
