/**
 * The registered partner systems, replaceable while the gateway runs: the registry file
 * (PARTNER_CLIENTS_FILE, written by `npm run partner:register`) is watched and polled like
 * the supergraph file, and each new version is checked whole by the same zod validation as
 * at start-up (config.ts hands it down as `parse`) before it replaces the old one. A bad
 * file is refused with a log line and in /status, and the previous registry keeps serving;
 * nothing is half-applied.
 *
 * Every replica reads the same file (shared storage, or one deployed to each by
 * configuration management); the poll is what finds changes on shared storage, where
 * watching sees none. A request keeps the partner it signed in as: its caller is built
 * from the registry once, when its context is, so a swap mid-request changes nothing
 * for it; the next request meets the new registry.
 */
import type { Logger } from '../lib/logger';
import { watchFile, type WatchedFile } from '../lib/watched-file';
import { sha256 } from '../lib/hash';
import type { PartnerClient } from './capabilities/sign-in';

export interface PartnerRegistryFile extends WatchedFile {
  /** SHA-256 of the text the first registry was read from. */
  version: string;
  /** The file's text to records, throwing naming the bad record (config.ts: JSON, then `parsePartnerClients`). */
  parse(text: string): PartnerClient[];
}

export interface PartnerRegistryStatus {
  /** SHA-256 of the file's text being served. */
  version: string;
  count: number;
  loadedAt: string;
  source: string;
  /** The last version refused, and why; null when the file being served is the newest. */
  refused: { version: string; at: string; reason: string } | null;
}

export class PartnerRegistry {
  private clients: readonly PartnerClient[];
  private status: PartnerRegistryStatus | undefined;

  /** `initial`: the registry read (and checked) at start-up, from `file` when there is one. */
  constructor(
    initial: readonly PartnerClient[],
    private readonly logger: Logger,
    private readonly file?: PartnerRegistryFile,
  ) {
    this.clients = initial;
    if (file) this.status = { version: file.version, count: initial.length, loadedAt: new Date().toISOString(), source: file.path, refused: null };
  }

  get current(): readonly PartnerClient[] {
    return this.clients;
  }

  /** For /readyz and /status: which registry this replica serves; undefined when it is not read from a file. */
  describe(): PartnerRegistryStatus | undefined {
    return this.status;
  }

  /** Follows the file until the returned function is called; does nothing without a file. */
  follow(): () => void {
    const file = this.file;
    if (!file || !this.status) return () => {};
    return watchFile(file, file.version, (text) => this.reload(text, file), this.logger, 'the partner registry file');
  }

  private reload(text: string, file: PartnerRegistryFile): void {
    const version = sha256(text);
    let clients: PartnerClient[];
    try {
      clients = file.parse(text);
    } catch (error) {
      const reason = (error as Error).message;
      this.status = { ...this.status!, refused: { version, at: new Date().toISOString(), reason } };
      this.logger.error({ source: file.path, version, serving: this.status.version, reason }, 'partner registry refused; still serving the previous one');
      return;
    }
    const previous = this.status!;
    this.clients = clients;
    this.status = { version, count: clients.length, loadedAt: new Date().toISOString(), source: file.path, refused: null };
    this.logger.info({ source: file.path, version, previous: previous.version, count: clients.length }, 'partner registry reloaded');
  }
}
