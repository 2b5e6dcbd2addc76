/**
 * A loopback SMTP sink for the benchmarks: accepts every message and discards it, counting.
 * Written on node:net so `npm run bench` needs no dev dependency; it speaks just enough
 * SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for nodemailer's pooled client.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface SmtpSink {
  url: string;
  /** Messages accepted so far. */
  received(): number;
  close(): Promise<void>;
}

function session(socket: Socket, onMessage: () => void): void {
  let buffer = '';
  let inData = false;
  const reply = (line: string) => socket.write(`${line}\r\n`);
  reply('220 sink ESMTP');
  socket.setEncoding('latin1');
  // Replies are tiny; without this, Nagle and delayed ACKs add ~40 ms to every message.
  socket.setNoDelay(true);
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        // Keep only the tail that may hold a split terminator: the body itself is discarded.
        if (end < 0) return void (buffer = buffer.slice(-4));
        buffer = buffer.slice(end + 5);
        inData = false;
        onMessage();
        reply('250 2.0.0 accepted');
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') reply('250-sink\r\n250-PIPELINING\r\n250 8BITMIME');
      else if (verb === 'DATA') {
        inData = true;
        reply('354 go ahead');
      } else if (verb === 'QUIT') {
        reply('221 bye');
        socket.end();
        return;
      } else reply('250 ok');
    }
  });
  socket.on('error', () => socket.destroy());
}

/** Starts the sink on 127.0.0.1 with a free port. */
export async function startSmtpSink(): Promise<SmtpSink> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    session(socket, () => count++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
