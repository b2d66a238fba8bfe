/**
 * `npm run audit:verify [-- --dir <path>] [--public-key <file> …]` checks every chain of the
 * audit trail: its hash links, and its signed checkpoints (a rewrite with recomputed hashes,
 * records cut from the start or the end); it names each problem, by chain, and says how many
 * records come after the last checkpoint.
 * `npm run audit:query -- [--dir <path>] --subject user:u1` / `--uscc 9152…` / `--type Parcel --key …`
 * answers "who looked at this, when, and why", from every chain, in time order.
 * The trail is `--dir`, else AUDIT_DIR, else ./audit: one chain per gateway instance (and
 * per worker) beneath it, named by AUDIT_INSTANCE_ID, plus the layouts written before
 * (records at the top level, `worker-<n>` folders); both commands cover them all. Each
 * chain is read as it is on disk, so they run beside the gateways writing it. The checkpoints' public keys:
 * `--public-key` (repeat it for keys rotated out), else AUDIT_CHECKPOINT_PUBLIC_KEY_FILE
 * (comma-separated), else the public half of AUDIT_CHECKPOINT_KEY_FILE or of the
 * development key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publicKeysFrom } from '../gateway/audit/checkpoints';
import { auditChains, type AuditChain } from '../gateway/audit/log';
import { readRecords, verifyTrail } from '../gateway/audit/verify';
import { DEV_CHECKPOINT_KEY } from '../gateway/config';

function publicKeyFiles(flags: string[]): string[] {
  if (flags.length) return flags;
  if (process.env.AUDIT_CHECKPOINT_PUBLIC_KEY_FILE) return process.env.AUDIT_CHECKPOINT_PUBLIC_KEY_FILE.split(',').map((f) => f.trim()).filter(Boolean);
  if (process.env.AUDIT_CHECKPOINT_KEY_FILE) return [process.env.AUDIT_CHECKPOINT_KEY_FILE];
  return existsSync(DEV_CHECKPOINT_KEY) ? [DEV_CHECKPOINT_KEY] : [];
}

/** The chains of the trail in `dir`; none is a mistake worth saying (a wrong --dir or AUDIT_DIR). */
function chainsIn(dir: string): AuditChain[] | undefined {
  const chains = auditChains(dir);
  if (chains.length === 0) console.error(`no audit chain in ${dir}: pass the trail's folder with --dir (or set AUDIT_DIR)`);
  return chains.length ? chains : undefined;
}

function main(): number {
  const [command, ...args] = process.argv.slice(2);
  const at = args.indexOf('--dir');
  if (at >= 0 && !args[at + 1]) {
    console.error('--dir needs the audit trail\'s folder (AUDIT_DIR of the gateways that wrote it)');
    return 2;
  }
  const dir = resolve(at >= 0 ? args[at + 1]! : process.env.AUDIT_DIR || 'audit');
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
  if (command === 'verify') {
    const keyFlags: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--public-key' && rest[i + 1]) keyFlags.push(rest[++i]!);
      else {
        console.error('usage: npm run audit:verify [-- --dir <path>] [--public-key <file> …]');
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
    const chains = chainsIn(dir);
    if (!chains) return 1;
    let broken = false;
    for (const { instance, dir: chain } of chains) {
      const report = verifyTrail(chain, keys);
      for (const problem of report.problems) console.error(`BROKEN: ${instance}: ${join(chain, problem.file)} line ${problem.line}: ${problem.reason}`);
      if (report.problems.length) broken = true;
      else {
        const anchored = report.checkpoints.checked ? `, ${report.checkpoints.count} signed checkpoints verify` : '';
        console.log(`ok: ${instance}: ${report.records} records, chain intact${anchored} (${chain})`);
      }
      if (report.checkpoints.checked && report.unanchored > 0) console.log(`  ${instance}: ${report.unanchored} record(s) after the last checkpoint are not anchored yet`);
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
      console.error('usage: npm run audit:query -- [--dir <path>] --subject <user:id|client:id> | --uscc <code> | --type <Type> --key <key>');
      return 2;
    }
    const chains = chainsIn(dir);
    if (!chains) return 1;
    const skipped = { lines: 0 };
    // Each chain is in its own order; the answer is in time order across them, by each writer's clock (hosts sharing AUDIT_DIR keep NTP time).
    const matches = chains
      .flatMap(({ instance, dir: chain }) => readRecords(chain, skipped).map((r): Record<string, any> => ({ ...r, instance })))
      .filter((r) => !r.event && (!subject || r.subject === subject) && (!key || (type ? r.entities?.[type] : Object.values(r.entities ?? {}).flat())?.includes(key)))
      .sort((a, b) => String(a.time).localeCompare(String(b.time)));
    for (const r of matches) {
      console.log(`${r.time}  ${r.subject}${r.client ? ` (${r.client})` : ''}  purpose=${r.purpose ?? '-'}  ${r.operationName ?? '(anonymous operation)'}  unmasked=${(r.unmasked ?? []).join(',') || '-'}  ${r.outcome}  request=${r.requestId}  instance=${r.instance}`);
    }
    console.log(`${matches.length} record(s)`);
    if (skipped.lines) console.error(`${skipped.lines} line(s) are not records and were skipped: run npm run audit:verify`);
    return 0;
  }
  console.error('usage: audit.ts verify | query …');
  return 2;
}

process.exit(main());
