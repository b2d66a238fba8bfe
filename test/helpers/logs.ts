import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../lib/logger';

/** A logger that keeps every line it is given, parsed, for a test to read. */
export function recordingLogger(): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}
