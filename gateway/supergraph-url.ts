/**
 * A supergraph published at a URL (SUPERGRAPH_URL), asked for again every poll, so every
 * replica behind a load balancer converges on the version published there — the way Apollo
 * Router and Hive Gateway follow a schema registry. Each ask is conditional (If-None-Match,
 * If-Modified-Since): an unchanged supergraph costs a 304, not a download and a re-check.
 * One ask has a deadline and a size cap, so a slow or huge answer cannot stall or exhaust
 * the process. An outage is logged once, when it starts, and once when it ends.
 */
import type { Logger } from '../lib/logger';
import { sha256 } from '../lib/hash';

export interface SupergraphUrl {
  url: string;
  /** How often it is asked again (ms), and how long between tries while there is no supergraph yet. */
  pollMs: number;
  /** One ask's deadline, answer body included (default 10 s). */
  timeoutMs?: number;
  /** Answers larger than this are refused unread (default 16 MB; a county supergraph is a few hundred kB). */
  maxBytes?: number;
}

/** What /readyz and /status say of the URL besides the version served. */
export interface SupergraphUrlStatus {
  /** The last time it answered (200 or 304). */
  lastFetchedAt: string | null;
  /** The last failed ask, kept after it answers again so an operator can see what happened. */
  lastError: { at: string; reason: string } | null;
  /** Since when it has been failing; null while it answers. */
  failingSince: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export class SupergraphFetcher {
  private etag: string | undefined;
  private lastModified: string | undefined;
  /** The last version handed out: each is offered once, even by a server that sends no validators. */
  private lastSeen: string | undefined;
  private status: SupergraphUrlStatus = { lastFetchedAt: null, lastError: null, failingSince: null };

  constructor(
    private readonly source: SupergraphUrl,
    private readonly logger: Logger,
  ) {}

  describe(): SupergraphUrlStatus {
    return this.status;
  }

  /** A version not offered before, or undefined: unchanged, or the URL failed (logged once per outage). */
  async next(stopped: AbortSignal): Promise<string | undefined> {
    const { url } = this.source;
    let text: string | undefined;
    try {
      text = await this.get(stopped);
    } catch (error) {
      if (stopped.aborted) return undefined;
      const at = new Date().toISOString();
      const reason = describeFailure(error);
      if (!this.status.failingSince) this.logger.warn({ source: url, reason }, 'cannot fetch the supergraph; still serving the one this replica has (logged once until the URL answers again)');
      this.status = { ...this.status, lastError: { at, reason }, failingSince: this.status.failingSince ?? at };
      return undefined;
    }
    if (this.status.failingSince) this.logger.info({ source: url, failingSince: this.status.failingSince }, 'the supergraph URL answers again');
    this.status = { ...this.status, lastFetchedAt: new Date().toISOString(), failingSince: null };
    if (text === undefined) return undefined;
    const id = sha256(text);
    if (id === this.lastSeen) return undefined;
    this.lastSeen = id;
    return text;
  }

  /** The body of a 200, undefined for a 304; throws for anything else. */
  private async get(stopped: AbortSignal): Promise<string | undefined> {
    const { url, timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES } = this.source;
    const headers: Record<string, string> = {};
    if (this.etag) headers['if-none-match'] = this.etag;
    if (this.lastModified) headers['if-modified-since'] = this.lastModified;
    const response = await fetch(url, { headers, signal: AbortSignal.any([stopped, AbortSignal.timeout(timeoutMs)]) });
    if (response.status === 304) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`it answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new Error(`the answer is ${declared} bytes; at most ${maxBytes} are read`);
    }
    const text = await readAtMost(response, maxBytes);
    // Remembered only once the whole answer is read, so a cut-off download is asked for again in full.
    this.etag = response.headers.get('etag') ?? undefined;
    this.lastModified = response.headers.get('last-modified') ?? undefined;
    return text;
  }
}

/** The body as text, refusing it as soon as it grows past `maxBytes` (a chunked answer declares no length). */
async function readAtMost(response: Response, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader!.cancel();
      throw new Error(`the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** fetch() says "fetch failed" and keeps the reason (ECONNREFUSED, a DNS miss) in its cause. */
function describeFailure(error: unknown): string {
  const err = error as Error & { cause?: Error & { code?: string } };
  if (err.name === 'TimeoutError') return `no answer within the deadline (${err.message})`;
  return err.cause ? `${err.message}: ${err.cause.code ?? err.cause.message}` : err.message;
}
