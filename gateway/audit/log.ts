/**
 * The audit trail: append-only JSON lines, each record carrying its sequence number and
 * the hash of the one before it, so any edit or deletion breaks the chain at that point;
 * signed checkpoints of the chain's head (checkpoints.ts) make a rewrite that recomputes
 * the hashes, or a cut at either end, show too. A record is written (synchronously, to
 * the operating system) before its response is sent: a crashed or killed process loses
 * no record of a response it sent. With `fsync` on, a record also survives a power cut,
 * at the cost of a disk flush per request.
 *
 * A chain has one writer, which holds its folder's lock (writer-lock.ts) from the
 * constructor to `close()`. Files are created readable by their owner only (0600, in a
 * 0700 directory): the trail names who looked at whom. They rotate by day (in
 * `timeZone`, China's by default) and by size, and are deleted after the retention period (等保 2.0: at
 * least six months), with a signed checkpoint anchoring the first record kept.
 *
 * A power cut without fsync can leave the last line half written. At start-up such a
 * torn line is moved aside into its own file, a record saying so is appended, and the
 * chain continues from the last whole record.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS, lineHash, signCheckpoint, type Checkpoint, type CheckpointKind } from './checkpoints';
import { holdChain } from './writer-lock';
import { sha256 } from '../../lib/hash';

export { GENESIS };

export interface AuditCheckpointOptions {
  /** The Ed25519 key checkpoints are signed with (not the one that signs identities). */
  key: KeyObject;
  /** A checkpoint after this many records (default 100)… */
  every?: number;
  /** …and after this many seconds with new records (default 60). */
  seconds?: number;
}

export interface AuditLogOptions {
  /** The chain's own folder (one writer each): under AUDIT_DIR, named by the instance (config.ts). */
  dir: string;
  maxBytes?: number;
  retentionDays?: number;
  fsync?: boolean;
  now?: () => Date;
  /** The time zone whose calendar days name the daily files and count retention (default Asia/Shanghai). */
  timeZone?: string;
  /** Without it no checkpoints are written and the trail is only hash-chained. */
  checkpoints?: AuditCheckpointOptions;
}

/** China has one time zone; a county elsewhere sets its own (AUDIT_TIME_ZONE). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** `YYYY-MM-DD` of an instant in a time zone; throws RangeError for a zone that does not exist. */
export function calendarDay(timeZone: string): (instant: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  // Zones in use today change date on a whole minute (their offsets are whole quarter hours): formatted once a
  // minute instead of once a record, where it was a tenth of the audit's cost per request.
  let minute = Number.NaN;
  let day = '';
  return (instant) => {
    const at = Math.floor(instant.getTime() / 60_000);
    if (at !== minute) {
      minute = at;
      day = format.format(instant);
    }
    return day;
  };
}

const FILE = /^audit-(\d{4}-\d{2}-\d{2})-(\d{3})\.jsonl$/;
const CHECKPOINT_FILE = /^checkpoints-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const PRIVATE_FILE = 0o600;


export const recordHash = (record: Record<string, unknown>) => sha256(JSON.stringify(record));

export class AuditLog {
  private readonly maxBytes: number;
  private readonly retentionDays: number;
  private readonly now: () => Date;
  private readonly dayOf: (instant: Date) => string;
  private fd: number | null = null;
  private size = 0;
  private day = '';
  private lastHash = GENESIS;
  private lastSeq = 0;
  private chain = '';
  private checkpointFd: number | null = null;
  private checkpointDay = '';
  private lastCheckpoint = GENESIS;
  private sinceCheckpoint = 0;
  private readonly timer: NodeJS.Timeout | undefined;
  private release: (() => void) | undefined;

  constructor(private readonly options: AuditLogOptions) {
    this.maxBytes = options.maxBytes ?? 50_000_000;
    this.retentionDays = options.retentionDays ?? 180;
    this.now = options.now ?? (() => new Date());
    this.dayOf = calendarDay(options.timeZone ?? DEFAULT_TIME_ZONE);
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    // Before anything is read: recovery writes, and the head read must be the last writer's.
    this.release = holdChain(options.dir);
    const torn = this.recoverTornLine();
    this.readHead();
    if (options.checkpoints) {
      this.readCheckpointHead();
      if (!this.chain) {
        this.chain = randomUUID();
        // A new chain is anchored from its first record; an older one without checkpoints from now on.
        this.checkpoint(this.lastSeq === 0 ? 'genesis' : 'periodic');
      }
    }
    if (torn) {
      this.append({ time: this.now().toISOString(), event: 'audit-recovered', reason: 'the last line was torn (written partly before the process stopped)', ...torn });
      this.checkpoint('recovery');
    }
    const seconds = options.checkpoints?.seconds ?? 60;
    if (options.checkpoints && seconds > 0) {
      this.timer = setInterval(() => {
        if (this.sinceCheckpoint > 0) this.checkpoint('periodic');
      }, seconds * 1000);
      this.timer.unref();
    }
  }

  append(record: Record<string, unknown>): void {
    const chained = { ...record, seq: this.lastSeq + 1, prev: this.lastHash };
    // Serialized once: the hash covers this text, and the line is this text with the hash as its last field.
    const text = JSON.stringify(chained);
    const hash = sha256(text);
    const line = `${text.slice(0, -1)},"hash":"${hash}"}\n`;
    const bytes = Buffer.byteLength(line);
    this.rotateIfNeeded(bytes);
    try {
      writeWhole(this.fd!, line);
    } catch (error) {
      // A disk that filled up mid-line must not leave half a record for the next to be glued to.
      ftruncateSync(this.fd!, this.size);
      throw error;
    }
    if (this.options.fsync) fsyncSync(this.fd!);
    this.size += bytes;
    this.lastHash = hash;
    this.lastSeq = chained.seq;
    this.sinceCheckpoint++;
    if (this.options.checkpoints && this.sinceCheckpoint >= (this.options.checkpoints.every ?? 100)) this.checkpoint('periodic');
  }

  /** Signs the head at shutdown; a closed log writes nothing more. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.options.checkpoints && this.sinceCheckpoint > 0) this.checkpoint('shutdown');
    for (const fd of [this.fd, this.checkpointFd]) if (fd !== null) closeSync(fd);
    this.fd = null;
    this.checkpointFd = null;
    this.release?.();
    this.release = undefined;
  }

  private checkpoint(kind: CheckpointKind, anchor?: { seq: number; head: string }): void {
    const key = this.options.checkpoints?.key;
    if (!key) return;
    // A checkpoint must never name a record a power cut could still take away.
    if (this.fd !== null) fsyncSync(this.fd);
    const day = this.dayOf(this.now());
    if (this.checkpointFd === null || day !== this.checkpointDay) {
      if (this.checkpointFd !== null) closeSync(this.checkpointFd);
      this.checkpointFd = openSync(join(this.options.dir, `checkpoints-${day}.jsonl`), 'a', PRIVATE_FILE);
      this.checkpointDay = day;
    }
    const signed: Checkpoint = signCheckpoint(
      { checkpoint: kind, chain: this.chain, seq: anchor?.seq ?? this.lastSeq, head: anchor?.head ?? this.lastHash, time: this.now().toISOString(), prev: this.lastCheckpoint },
      key,
    );
    const line = JSON.stringify(signed);
    writeWhole(this.checkpointFd, `${line}\n`);
    if (this.options.fsync) fsyncSync(this.checkpointFd);
    this.lastCheckpoint = lineHash(line);
    if (!anchor) this.sinceCheckpoint = 0;
  }

  /** The chain's head: the last record of the newest file (records are numbered from 1). */
  private readHead(): void {
    const files = auditFiles(this.options.dir);
    let last: string | undefined;
    for (let i = files.length - 1; i >= 0 && !last; i--) last = readLines(join(this.options.dir, files[i]!)).at(-1);
    if (!last) return;
    const record = JSON.parse(last) as { hash: string; seq?: number };
    this.lastHash = record.hash;
    // A trail written before records were numbered: count them once.
    this.lastSeq = typeof record.seq === 'number' ? record.seq : auditFiles(this.options.dir).reduce((n, f) => n + readLines(join(this.options.dir, f)).length, 0);
  }

  private readCheckpointHead(): void {
    const latest = checkpointFiles(this.options.dir).at(-1);
    if (!latest) return;
    // A checkpoint torn by a power cut is set aside like a torn record; the one before it is the head.
    setAsideTornTail(this.options.dir, latest, this.now());
    const last = readLines(join(this.options.dir, latest)).at(-1);
    if (!last) return;
    this.chain = (JSON.parse(last) as Checkpoint).chain;
    this.lastCheckpoint = lineHash(last);
  }

  /** Moves a torn tail of the newest records file aside; says where, for the record that follows. */
  private recoverTornLine(): { file: string; bytes: number; movedTo: string } | undefined {
    const latest = auditFiles(this.options.dir).at(-1);
    return latest ? setAsideTornTail(this.options.dir, latest, this.now()) : undefined;
  }

  private rotateIfNeeded(bytes: number): void {
    const day = this.dayOf(this.now());
    if (this.fd !== null && day === this.day && this.size + bytes <= this.maxBytes) return;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    const today = auditFiles(this.options.dir).filter((f) => f.startsWith(`audit-${day}-`));
    let serial = today.length ? Number(FILE.exec(today.at(-1)!)![2]) : 1;
    let path = join(this.options.dir, `audit-${day}-${String(serial).padStart(3, '0')}.jsonl`);
    let size = safeSize(path);
    if (size + bytes > this.maxBytes && size > 0) {
      serial++;
      path = join(this.options.dir, `audit-${day}-${String(serial).padStart(3, '0')}.jsonl`);
      size = 0;
    }
    this.fd = openSync(path, 'a', PRIVATE_FILE);
    this.size = size;
    this.day = day;
    this.deleteExpired(day);
  }

  private deleteExpired(today: string): void {
    const cutoff = new Date(`${today}T00:00:00Z`);
    cutoff.setUTCDate(cutoff.getUTCDate() - this.retentionDays);
    const oldest = cutoff.toISOString().slice(0, 10);
    const files = auditFiles(this.options.dir);
    const expired = files.filter((f) => FILE.exec(f)![1]! < oldest);
    if (expired.length === 0) return;
    // The last record deleted, to check the first one kept really follows it before vouching for the cut.
    const lastDeleted = lastRecordOf(this.options.dir, expired);
    for (const f of expired) unlinkSync(join(this.options.dir, f));
    const first = auditFiles(this.options.dir)[0];
    const firstRecord = first && readLines(join(this.options.dir, first))[0];
    const start = firstRecord ? (JSON.parse(firstRecord) as { seq: number; prev: string }) : { seq: this.lastSeq + 1, prev: this.lastHash };
    // The first record kept points at one just deleted: a signed anchor says that is where the trail now starts. Files
    // deleted out of turn (by hand, or renamed to an old date) break that link, and the gateway signs nothing for them.
    if (lastDeleted && lastDeleted.hash === start.prev && lastDeleted.seq === start.seq - 1) this.checkpoint('retention', { seq: start.seq - 1, head: start.prev });
    // Checkpoints of days before the first record kept anchor nothing that is left.
    const keptFrom = first ? FILE.exec(first)![1]! : today;
    for (const f of checkpointFiles(this.options.dir)) if (CHECKPOINT_FILE.exec(f)![1]! < keptFrom) unlinkSync(join(this.options.dir, f));
  }
}

/** Writes all of `text`: writeSync may write less than it was given. */
function writeWhole(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** The last record (its hash and number) in these files, the newest first. */
function lastRecordOf(dir: string, files: readonly string[]): { hash: string; seq: number } | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    const line = readLines(join(dir, files[i]!)).at(-1);
    if (line && parses(line)) return JSON.parse(line) as { hash: string; seq: number };
  }
  return undefined;
}

/**
 * Moves what follows the last whole JSON line of `file` (a half-written line, or the
 * zeros a file system may leave after a power cut) into a file of its own, 0600, and
 * cuts it off; says what was moved and where, or undefined when there was nothing.
 */
function setAsideTornTail(dir: string, file: string, now: Date): { file: string; bytes: number; movedTo: string } | undefined {
  const path = join(dir, file);
  const text = readFileSync(path);
  let keep = text.length;
  // Walk back over trailing lines that are not JSON.
  while (keep > 0) {
    const end = text[keep - 1] === 0x0a ? keep - 1 : keep;
    const start = text.lastIndexOf(0x0a, end - 1) + 1;
    if (parses(text.subarray(start, end).toString('utf8'))) {
      keep = end;
      break;
    }
    keep = start;
  }
  // `keep` ends the last whole line (before its newline), or is 0.
  const whole = keep === 0 ? 0 : keep + 1;
  if (whole === text.length && (keep === 0 || text[keep] === 0x0a)) return undefined;
  const fd = openSync(path, 'r+');
  try {
    if (keep > 0 && text[keep] !== 0x0a) {
      // The line was written whole but for its newline: it stays, completed.
      ftruncateSync(fd, keep);
      writeSync(fd, '\n', keep);
      if (whole >= text.length) return undefined;
    }
    const torn = text.subarray(whole);
    const movedTo = `${file}.torn-${now.toISOString().replace(/[:.]/g, '-')}`;
    writeFileSync(join(dir, movedTo), torn, { mode: PRIVATE_FILE });
    ftruncateSync(fd, whole);
    fsyncSync(fd);
    return { file, bytes: torn.length, movedTo };
  } finally {
    closeSync(fd);
  }
}

const parses = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

export function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

/** What names a chain's folder (AUDIT_INSTANCE_ID, and the default made from the host name): a plain folder name. */
export const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface AuditChain {
  /** The instance that writes (or wrote) it: its folder's name, or TOP_LEVEL. */
  instance: string;
  dir: string;
}

/** The top level of AUDIT_DIR, as a chain: trails written before chains were named by instance. */
export const TOP_LEVEL = '(top level)';

/**
 * Every chain of the trail in `dir` that holds anything, by instance id: one folder per
 * instance (`<instance id>`, `<instance id>-<slot>` for workers), and the layouts written
 * before, still evidence: records directly in `dir`, and `worker-<slot>` folders.
 */
export function auditChains(dir: string): AuditChain[] {
  const holds = (folder: string) => auditFiles(folder).length > 0 || checkpointFiles(folder).length > 0;
  const folders = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && INSTANCE_ID.test(entry.name) && holds(join(dir, entry.name)))
        .map((entry) => entry.name)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  return [...(holds(dir) ? [{ instance: TOP_LEVEL, dir }] : []), ...folders.map((instance) => ({ instance, dir: join(dir, instance) }))];
}

export function auditFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => FILE.test(f)).sort() : [];
}

export function checkpointFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => CHECKPOINT_FILE.test(f)).sort() : [];
}

const safeSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};
