/**
 * The audit trail: append-only JSON lines, each record carrying the hash of the one
 * before it, so any edit or deletion breaks the chain at that point. A record is written
 * (synchronously, to the operating system) before its response is sent: a crashed or
 * killed process loses no record of a response it sent. With `fsync` on, a record also
 * survives a power cut, at the cost of a disk flush per request.
 *
 * Files rotate by day (China Standard Time) and by size, and are deleted after the
 * retention period (等保 2.0: at least six months).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chinaDate } from '../../domain/time';

export interface AuditLogOptions {
  dir: string;
  maxBytes?: number;
  retentionDays?: number;
  fsync?: boolean;
  now?: () => Date;
}

export const GENESIS = '0'.repeat(64);
const FILE = /^audit-(\d{4}-\d{2}-\d{2})-(\d{3})\.jsonl$/;

export const recordHash = (record: Record<string, unknown>) => createHash('sha256').update(JSON.stringify(record)).digest('hex');

export class AuditLog {
  private readonly maxBytes: number;
  private readonly retentionDays: number;
  private readonly now: () => Date;
  private fd: number | null = null;
  private size = 0;
  private day = '';
  private lastHash = GENESIS;

  constructor(private readonly options: AuditLogOptions) {
    this.maxBytes = options.maxBytes ?? 50_000_000;
    this.retentionDays = options.retentionDays ?? 180;
    this.now = options.now ?? (() => new Date());
    mkdirSync(options.dir, { recursive: true });
    const files = auditFiles(options.dir);
    const latest = files.at(-1);
    if (latest) {
      const lines = readFileSync(join(options.dir, latest), 'utf8').trimEnd().split('\n').filter(Boolean);
      const last = lines.at(-1);
      // A torn last line (the process died mid-write) is not part of the chain.
      try {
        if (last) this.lastHash = (JSON.parse(last) as { hash: string }).hash;
      } catch {
        const previous = lines.at(-2);
        if (previous) this.lastHash = (JSON.parse(previous) as { hash: string }).hash;
      }
    }
  }

  append(record: Record<string, unknown>): void {
    const chained = { ...record, prev: this.lastHash };
    const line = `${JSON.stringify({ ...chained, hash: recordHash(chained) })}\n`;
    const bytes = Buffer.byteLength(line);
    this.rotateIfNeeded(bytes);
    writeSync(this.fd!, line);
    if (this.options.fsync) fsyncSync(this.fd!);
    this.size += bytes;
    this.lastHash = recordHash(chained);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private rotateIfNeeded(bytes: number): void {
    const day = chinaDate(this.now());
    if (this.fd !== null && day === this.day && this.size + bytes <= this.maxBytes) return;
    this.close();
    const today = auditFiles(this.options.dir).filter((f) => f.startsWith(`audit-${day}-`));
    let serial = today.length ? Number(FILE.exec(today.at(-1)!)![2]) : 1;
    let path = join(this.options.dir, `audit-${day}-${String(serial).padStart(3, '0')}.jsonl`);
    let size = safeSize(path);
    if (size + bytes > this.maxBytes && size > 0) {
      serial++;
      path = join(this.options.dir, `audit-${day}-${String(serial).padStart(3, '0')}.jsonl`);
      size = 0;
    }
    this.fd = openSync(path, 'a');
    this.size = size;
    this.day = day;
    this.deleteExpired(day);
  }

  private deleteExpired(today: string): void {
    const cutoff = new Date(`${today}T00:00:00Z`);
    cutoff.setUTCDate(cutoff.getUTCDate() - this.retentionDays);
    const oldest = cutoff.toISOString().slice(0, 10);
    for (const f of auditFiles(this.options.dir)) {
      if (FILE.exec(f)![1]! < oldest) unlinkSync(join(this.options.dir, f));
    }
  }
}

/**
 * The directories that each hold one chain: the trail itself and, for a gateway run with
 * `--workers`, each worker's own (`worker-<slot>`).
 */
export function auditChains(dir: string): string[] {
  const workers = existsSync(dir) ? readdirSync(dir).filter((f) => /^worker-\d+$/.test(f)).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7))) : [];
  return [dir, ...workers.map((w) => join(dir, w))];
}

export function auditFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => FILE.test(f)).sort();
}

const safeSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

export interface ChainCheck {
  records: number;
  brokenAt: { file: string; line: number; reason: string } | null;
}

/** Follows the chain through every file; the first record may point at one past retention. */
export function verifyChain(dir: string): ChainCheck {
  let previous: string | null = null;
  let records = 0;
  for (const file of auditFiles(dir)) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]) continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(lines[i]!);
      } catch {
        return { records, brokenAt: { file, line: i + 1, reason: 'not a JSON record' } };
      }
      const { hash, ...chained } = record;
      if (previous !== null && chained.prev !== previous) return { records, brokenAt: { file, line: i + 1, reason: 'does not point at the record before it' } };
      if (recordHash(chained) !== hash) return { records, brokenAt: { file, line: i + 1, reason: 'its hash does not match its content' } };
      previous = hash as string;
      records++;
    }
  }
  return { records, brokenAt: null };
}

export function readRecords(dir: string): Record<string, any>[] {
  return auditFiles(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>),
  );
}
