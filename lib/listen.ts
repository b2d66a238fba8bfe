import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
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
      resolve({ url: `http://${host}:${actual}`, port: actual, close: () => closeServer(server) });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
