import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  /** Stops accepting and lets requests in flight finish. */
  close(): Promise<void>;
  /** The same within `deadlineMs`; resolves with how many connections were cut at the deadline. */
  closeWithin(deadlineMs: number): Promise<number>;
}

/** Listens, turning "address in use" into a message that names the port and the way out. */
export function listen(server: Server, port: number, host = '127.0.0.1', hint = 'choose another port'): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is already in use: stop what holds it or ${hint}`)
          : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      const { port: actual } = server.address() as AddressInfo;
      resolve({ url: `http://${host}:${actual}`, port: actual, close: async () => void (await closeServer(server)), closeWithin: (deadlineMs) => closeServer(server, deadlineMs) });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Closes the port, then each keep-alive connection as soon as its request is answered; at
 * `deadlineMs` the connections still busy are cut. Resolves with how many were cut.
 */
export function closeServer(server: Server, deadlineMs = Infinity): Promise<number> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve(0);
    let busy = 0;
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = Number.isFinite(deadlineMs)
      ? setTimeout(() => {
          server.getConnections((_error, count) => {
            busy = count;
            server.closeAllConnections();
          });
        }, deadlineMs)
      : undefined;
    server.close((error) => {
      clearInterval(idle);
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve(busy);
    });
    server.closeIdleConnections();
  });
}
