/**
 * A chain has exactly one writer: two processes appending to one hash chain fork it,
 * and the fork cannot be told from tampering. The writer holds a lock on its chain's
 * folder for its lifetime (proper-lockfile: an atomic mkdir of `writer.lock`, its mtime
 * refreshed every STALE_MS / 2), and says who it is in `writer.json` beside it, so a
 * second process given the same chain can name the holder when it refuses to start.
 *
 * A lock left behind is taken over, never waited on forever: at once when its holder
 * was a process of this host that is gone (killed, crashed), else once it has not been
 * refreshed for STALE_MS. mkdir is atomic on a folder several hosts share (NFS too),
 * but "not refreshed for STALE_MS" reads the lock's mtime against this host's clock:
 * hosts sharing AUDIT_DIR must keep their clocks within a few seconds (NTP), and a
 * holder frozen for longer than STALE_MS (a suspended VM) loses its lock and stops.
 */
import { readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lockSync } from 'proper-lockfile';

/** A holder whose lock has not been refreshed for this long is taken to be gone. */
export const STALE_MS = 30_000;

const LOCK = 'writer.lock';
const HOLDER = 'writer.json';

export interface ChainHolder {
  host: string;
  pid: number;
  /** When it took the chain (ISO time). */
  since: string;
  /** Its PID namespace where there are any (Linux): containers sharing a host name do not share PIDs. */
  pidNamespace?: string;
}

/**
 * Takes the chain in `dir` (which must exist) for this process; returns the release.
 * Throws, naming the holder and what to do, when another live process holds it.
 */
export function holdChain(dir: string): () => void {
  const options = {
    lockfilePath: join(dir, LOCK),
    stale: STALE_MS,
    realpath: false,
    onCompromised: (error: Error) => {
      // Another process took the chain over (this one froze past STALE_MS): writing on would fork it.
      throw new Error(`audit chain ${dir}: this process lost its writer lock (${error.message}) and stops rather than fork the chain; restart it`);
    },
  };
  let release: (() => void) | undefined;
  for (let attempt = 1; !release; attempt++) {
    try {
      release = lockSync(dir, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = readHolder(dir);
      // A second refusal means another process took the lock this one found abandoned, first.
      if (attempt > 1 || !holder || !goneFromThisHost(holder)) throw new Error(refusal(dir, holder));
      rmSync(join(dir, LOCK), { recursive: true, force: true });
    }
  }
  const me: ChainHolder = { host: hostname(), pid: process.pid, since: new Date().toISOString(), pidNamespace: PID_NAMESPACE };
  writeFileSync(join(dir, HOLDER), `${JSON.stringify(me)}\n`, { mode: 0o600 });
  return () => {
    rmSync(join(dir, HOLDER), { force: true });
    release!();
  };
}

const PID_NAMESPACE = (() => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
})();

function readHolder(dir: string): ChainHolder | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, HOLDER), 'utf8')) as ChainHolder;
  } catch {
    return undefined;
  }
}

/** Whether the holder was a process of this host (and PID namespace) that no longer runs. */
function goneFromThisHost(holder: ChainHolder): boolean {
  if (holder.host !== hostname() || holder.pidNamespace !== PID_NAMESPACE) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function refusal(dir: string, holder: ChainHolder | undefined): string {
  let refreshed = '';
  try {
    refreshed = `, its lock refreshed ${Math.max(0, Math.round((Date.now() - statSync(join(dir, LOCK)).mtimeMs) / 1000))} s ago`;
  } catch {
    // Released meanwhile: the next start will take it.
  }
  const who = holder ? `pid ${holder.pid} on host ${holder.host}, since ${holder.since}` : 'a process that has not said who it is yet (it is starting)';
  return (
    `audit chain ${dir} is being written by another process: ${who}${refreshed}. A chain has one writer: ` +
    `give this process its own AUDIT_INSTANCE_ID (every replica sharing AUDIT_DIR needs a different one), or stop the other process. ` +
    `A lock whose holder is gone is taken over once it is ${STALE_MS / 1000} s old.`
  );
}
