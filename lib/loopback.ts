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
  const peer = req.socket.remoteAddress ?? '';
  return (peer === '::1' || LOOPBACK_PEER.test(peer)) && LOOPBACK_HOST.test(req.headers.host ?? '');
}

/**
 * A request made on this machine directly, not relayed: what accepting a development
 * token needs. A proxy on this host makes every client look local, so a request carrying
 * forwarding headers is never taken for this machine's (a client can write them).
 */
export const isDirectLoopbackRequest = (req: IncomingMessage): boolean =>
  isLoopbackRequest(req) && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
