/**
 * Reading the audit trail back: `verifyTrail` follows one chain's records and checks
 * them against its signed checkpoints; `readRecords` reads records for queries and
 * skips, rather than stops at, a line that is not a record.
 *
 * What verification reports, for one chain:
 * - a broken link: a record edited, inserted or removed (its hash, or the next
 *   record's `prev`, or the sequence numbers, disagree);
 * - a rewrite: a record whose hash is not the one a signed checkpoint names for its
 *   sequence number (the hashes were recomputed forward after an edit);
 * - a cut at the start: the first record is anchored by no signed genesis (a new
 *   chain) or retention checkpoint (older files deleted on schedule);
 * - a cut at the end: a checkpoint names a record the trail no longer has;
 * - checkpoints that do not verify, or whose own links are broken;
 * and, not as a fault, how many records come after the last checkpoint (unanchored:
 * nothing shows yet whether they were rewritten).
 */
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { checkSignature, GENESIS, lineHash, type Checkpoint } from './checkpoints';
import { auditFiles, checkpointFiles, readLines, recordHash } from './log';

export interface TrailProblem {
  file: string;
  line: number;
  reason: string;
}

export interface TrailReport {
  records: number;
  /** The first problem, or null when none was found. */
  brokenAt: TrailProblem | null;
  problems: TrailProblem[];
  /** Checkpoints read; `checked` false when no public key was given (then only the links are checked). */
  checkpoints: { count: number; checked: boolean };
  /** Records after the last checkpoint. */
  unanchored: number;
}

interface Located<T> {
  value: T;
  file: string;
  line: number;
}

export function verifyTrail(dir: string, publicKeys?: ReadonlyMap<string, KeyObject>): TrailReport {
  const problems: TrailProblem[] = [];
  const records: Located<Record<string, any>>[] = [];
  let previous: Record<string, any> | undefined;
  let linksBroken = false;
  for (const file of auditFiles(dir)) {
    const lines = readLines(join(dir, file));
    for (let i = 0; i < lines.length; i++) {
      const at = { file, line: i + 1 };
      let record: Record<string, any>;
      try {
        record = JSON.parse(lines[i]!);
      } catch {
        problems.push({ ...at, reason: 'not a JSON record' });
        linksBroken = true;
        continue;
      }
      const { hash, ...chained } = record;
      // A trail written before records were numbered: their place is their number (not part of what was hashed).
      if (typeof record.seq !== 'number') record.seq = (previous?.seq ?? 0) + 1;
      if (recordHash(chained) !== hash) problems.push({ ...at, reason: 'its hash does not match its content' });
      if (previous && chained.prev !== previous.hash) problems.push({ ...at, reason: 'does not point at the record before it' });
      if (previous && typeof previous.seq === 'number' && record.seq !== previous.seq + 1) problems.push({ ...at, reason: `its number is ${record.seq}, not ${previous.seq + 1}` });
      if (problems.length) linksBroken = true;
      records.push({ value: record, ...at });
      previous = record;
    }
  }
  const checkpoints = readCheckpoints(dir, problems);
  const checked = publicKeys !== undefined && publicKeys.size > 0;
  let unanchored = records.length;
  if (checked) {
    for (const { value, file, line } of checkpoints) {
      const signature = checkSignature(value, publicKeys);
      if (!signature.ok) problems.push({ file, line, reason: `checkpoint: ${signature.why}` });
    }
    const chains = new Set(checkpoints.map((c) => c.value.chain));
    if (chains.size > 1) problems.push({ file: checkpoints.at(-1)!.file, line: checkpoints.at(-1)!.line, reason: `checkpoints of ${chains.size} chains in one directory: a chain has one writer` });
    unanchored = anchor(records, checkpoints, problems, linksBroken);
  }
  const ordered = problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { records: records.length, brokenAt: ordered[0] ?? null, problems: ordered, checkpoints: { count: checkpoints.length, checked }, unanchored };
}

function readCheckpoints(dir: string, problems: TrailProblem[]): Located<Checkpoint>[] {
  const out: Located<Checkpoint>[] = [];
  let previousLine: string | undefined;
  for (const file of checkpointFiles(dir)) {
    const lines = readLines(join(dir, file));
    for (let i = 0; i < lines.length; i++) {
      const at = { file, line: i + 1 };
      let value: Checkpoint;
      try {
        value = JSON.parse(lines[i]!) as Checkpoint;
      } catch {
        problems.push({ ...at, reason: 'checkpoint: not a JSON line' });
        continue;
      }
      // The first one kept may point at one deleted with old files; after it, every link must hold.
      if (previousLine !== undefined && value.prev !== lineHash(previousLine)) problems.push({ ...at, reason: 'checkpoint: does not point at the checkpoint before it (checkpoints removed or inserted)' });
      if (previousLine === undefined && value.checkpoint === 'genesis' && value.prev !== GENESIS) problems.push({ ...at, reason: 'checkpoint: a genesis that points at an earlier checkpoint' });
      previousLine = lines[i]!;
      out.push({ value, ...at });
    }
  }
  return out;
}

/** Checks the records against the checkpoints; returns how many records no checkpoint anchors. */
function anchor(records: Located<Record<string, any>>[], checkpoints: Located<Checkpoint>[], problems: TrailProblem[], linksBroken: boolean): number {
  const first = records[0]?.value;
  const last = records.at(-1)?.value;
  if (checkpoints.length === 0) {
    if (records.length > 0) problems.push({ file: records[0]!.file, line: 1, reason: 'no signed checkpoint anchors this trail: its start and end cannot be shown complete' });
    return records.length;
  }
  if (first) {
    const opened = checkpoints.some(
      ({ value: c }) => (c.checkpoint === 'genesis' && c.seq === 0 && c.head === GENESIS && first.seq === 1 && first.prev === GENESIS) || (c.checkpoint === 'retention' && c.seq === first.seq - 1 && c.head === first.prev),
    );
    if (!opened) {
      problems.push({ file: records[0]!.file, line: records[0]!.line, reason: `the start is not anchored: no signed genesis or retention checkpoint names the record before #${first.seq}, the first one here (records were cut from the start, or written before checkpoints were kept)` });
    }
  }
  const bySeq = new Map(records.map((r) => [r.value.seq as number, r]));
  let anchoredTo = 0;
  for (const { value: c, file, line } of checkpoints) {
    if (c.checkpoint === 'genesis' || c.checkpoint === 'retention') continue;
    if (first && c.seq < first.seq) continue; // anchors records deleted on schedule
    const record = bySeq.get(c.seq);
    if (!record) {
      if (!last || c.seq > last.seq) problems.push({ file, line, reason: `records were cut from the end: the checkpoint of ${c.time} anchors record #${c.seq}, the trail ends at #${last?.seq ?? 0}` });
      else problems.push({ file, line, reason: `record #${c.seq}, anchored by the checkpoint of ${c.time}, is missing` });
      continue;
    }
    // With broken links every later hash is suspect; the first mismatch still names where the rewrite is.
    if (record.value.hash !== c.head) {
      problems.push({ file: record.file, line: record.line, reason: `record #${c.seq} is not the one the checkpoint of ${c.time} signed: the trail was rewritten${linksBroken ? '' : ' (its hashes recomputed)'}` });
    }
    anchoredTo = Math.max(anchoredTo, c.seq);
  }
  return last ? Math.max(0, last.seq - anchoredTo) : 0;
}

/** Every record of one chain; a line that is not a record is skipped and counted in `skipped`. */
export function readRecords(dir: string, skipped?: { lines: number }): Record<string, any>[] {
  return auditFiles(dir).flatMap((file) =>
    readLines(join(dir, file)).flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        if (skipped) skipped.lines++;
        return [];
      }
    }),
  );
}
