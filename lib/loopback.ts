/**
 * Whether a request comes from this machine and was addressed to it by a loopback name.
 * Both halves matter for anything handed out to "this machine only" (the development
 * token): the peer address keeps other machines out, and the Host header keeps out a
 * page on another site that points its own host name at 127.0.0.1 (DNS rebinding), whose
 * requests arrive from loopback but name that site.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_PEER = /^(::ffff:)?127\.\d+\.\d+\.\d+$/;
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

export function isLoopbackRequest(req: IncomingMessage): boolean {
  return isLoopbackAddress(req.socket.remoteAddress ?? '') && LOOPBACK_HOST.test(req.headers.host ?? '');
}

/** The client's address is this machine's: enough for accepting a development token, which brings its own proof. */
export const isLoopbackAddress = (address: string): boolean => address === '::1' || LOOPBACK_PEER.test(address);
