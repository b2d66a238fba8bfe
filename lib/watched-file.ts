/**
 * A file whose new versions are picked up while the process runs (the supergraph, the
 * partner registry). Its folder is watched — editors and `mv` replace the file, which ends a
 * watch on the file itself — and it is also re-read every `pollMs`, for file systems whose
 * changes no watch sees (NFS and other shared storage, where replicas read the same file).
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from './logger';
import { sha256 } from './hash';

export interface WatchedFile {
  path: string;
  /** Also re-read the file this often (ms), for file systems where watching misses changes; 0: watch only. */
  pollMs: number;
}

/** A burst of change events (truncate, write, rename) settles before the file is read. */
const SETTLE_MS = 50;

/**
 * Calls `onChange` with each version of the file whose SHA-256 differs from the last one seen
 * (`lastSeen`: the version already in use). Each version is offered once: one refused is not
 * retried, or logged again, until the file changes. `what` names the file in log lines.
 * Returns the function that stops watching.
 */
export function watchFile({ path, pollMs }: WatchedFile, lastSeen: string | undefined, onChange: (text: string) => void, logger: Logger, what: string): () => void {
  let seen = lastSeen;
  let unreadable: string | undefined;
  const check = () => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (unreadable !== code) logger.warn({ source: path, reason: (error as Error).message }, `cannot read ${what}; still serving the previous one`);
      unreadable = code;
      return;
    }
    unreadable = undefined;
    const id = sha256(text);
    if (id === seen) return;
    seen = id;
    onChange(text);
  };
  let settle: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(settle);
    settle = setTimeout(check, SETTLE_MS);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_event, name) => {
      if (!name || name === basename(path)) soon();
    });
    watcher.on('error', (error) => logger.warn({ source: path, reason: error.message }, `stopped watching ${what}; polling only`));
  } catch (error) {
    logger.warn({ source: path, reason: (error as Error).message }, `cannot watch ${what}; polling only`);
  }
  const poll = pollMs > 0 ? setInterval(check, pollMs) : undefined;
  poll?.unref();
  return () => {
    clearTimeout(settle);
    clearInterval(poll);
    watcher?.close();
  };
}
