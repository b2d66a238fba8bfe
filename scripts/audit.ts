/**
 * `npm run audit:verify [-- --public-key <file> …]` checks every chain of the audit trail:
 * its hash links, and its signed checkpoints (a rewrite with recomputed hashes, records
 * cut from the start or the end); it names each problem and says how many records come
 * after the last checkpoint.
 * `npm run audit:query -- --subject user:u1` / `--uscc 9152…` / `--type Parcel --key …` answers
 * "who looked at this, when, and why".
 * The trail is in AUDIT_DIR (default ./audit); a gateway run with `--workers` keeps one chain
 * per worker beneath it, and both commands cover them all. The checkpoints' public keys:
 * `--public-key` (repeat it for keys rotated out), else AUDIT_CHECKPOINT_PUBLIC_KEY_FILE
 * (comma-separated), else the public half of AUDIT_CHECKPOINT_KEY_FILE or of the
 * development key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { publicKeysFrom } from '../gateway/audit/checkpoints';
import { auditChains } from '../gateway/audit/log';
import { readRecords, verifyTrail } from '../gateway/audit/verify';
import { DEV_CHECKPOINT_KEY } from '../gateway/config';

function publicKeyFiles(flags: string[]): string[] {
  if (flags.length) return flags;
  if (process.env.AUDIT_CHECKPOINT_PUBLIC_KEY_FILE) return process.env.AUDIT_CHECKPOINT_PUBLIC_KEY_FILE.split(',').map((f) => f.trim()).filter(Boolean);
  if (process.env.AUDIT_CHECKPOINT_KEY_FILE) return [process.env.AUDIT_CHECKPOINT_KEY_FILE];
  return existsSync(DEV_CHECKPOINT_KEY) ? [DEV_CHECKPOINT_KEY] : [];
}

function main(): number {
  const [command, ...rest] = process.argv.slice(2);
  const dir = resolve(process.env.AUDIT_DIR || 'audit');
  if (command === 'verify') {
    const keyFlags: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--public-key' && rest[i + 1]) keyFlags.push(rest[++i]!);
      else {
        console.error('usage: npm run audit:verify [-- --public-key <file> …]');
        return 2;
      }
    }
    const files = publicKeyFiles(keyFlags);
    let keys;
    try {
      keys = publicKeysFrom(files.map((f) => readFileSync(f, 'utf8')));
    } catch (error) {
      console.error(`cannot read the checkpoint public keys (${files.join(', ')}): ${(error as Error).message}`);
      return 2;
    }
    if (keys.size === 0) console.error('checkpoints NOT checked: no public key (pass --public-key or set AUDIT_CHECKPOINT_PUBLIC_KEY_FILE); only the hash links are checked');
    let broken = false;
    for (const chain of auditChains(dir)) {
      const report = verifyTrail(chain, keys);
      if (report.records === 0 && report.checkpoints.count === 0 && chain !== dir) continue;
      for (const problem of report.problems) console.error(`BROKEN: ${chain}/${problem.file} line ${problem.line}: ${problem.reason}`);
      if (report.problems.length) broken = true;
      else {
        const anchored = report.checkpoints.checked ? `, ${report.checkpoints.count} signed checkpoints verify` : '';
        console.log(`ok: ${report.records} records, chain intact${anchored} (${chain})`);
      }
      if (report.checkpoints.checked && report.unanchored > 0) console.log(`  ${report.unanchored} record(s) after the last checkpoint are not anchored yet (${chain})`);
    }
    return broken ? 1 : 0;
  }
  if (command === 'query') {
    const flags = new Map<string, string>();
    for (let i = 0; i < rest.length; i += 2) flags.set(rest[i]!.replace(/^--/, ''), rest[i + 1] ?? '');
    const subject = flags.get('subject');
    const type = flags.get('type') ?? (flags.has('uscc') ? 'Enterprise' : undefined);
    const key = flags.get('uscc') ?? flags.get('key');
    if (!subject && !key) {
      console.error('usage: npm run audit:query -- --subject <user:id|client:id> | --uscc <code> | --type <Type> --key <key>');
      return 2;
    }
    const skipped = { lines: 0 };
    const matches = auditChains(dir)
      .flatMap((chain) => readRecords(chain, skipped))
      .filter((r) => !r.event && (!subject || r.subject === subject) && (!key || (type ? r.entities?.[type] : Object.values(r.entities ?? {}).flat())?.includes(key)))
      .sort((a, b) => String(a.time).localeCompare(String(b.time)));
    for (const r of matches) {
      console.log(`${r.time}  ${r.subject}${r.client ? ` (${r.client})` : ''}  purpose=${r.purpose ?? '-'}  ${r.operationName ?? '(anonymous operation)'}  unmasked=${(r.unmasked ?? []).join(',') || '-'}  ${r.outcome}  request=${r.requestId}`);
    }
    console.log(`${matches.length} record(s)`);
    if (skipped.lines) console.error(`${skipped.lines} line(s) are not records and were skipped: run npm run audit:verify`);
    return 0;
  }
  console.error('usage: audit.ts verify | query …');
  return 2;
}

process.exit(main());
