/**
 * `npm run audit:verify` checks the audit trail's hash chain and reports the first broken link.
 * `npm run audit:query -- --subject user:u1` / `--uscc 9152…` / `--type Parcel --key …` answers
 * "who looked at this, when, and why".
 * The trail is in AUDIT_DIR (default ./audit).
 */
import { resolve } from 'node:path';
import { readRecords, verifyChain } from '../gateway/audit-log';

function main(): number {
  const [command, ...rest] = process.argv.slice(2);
  const dir = resolve(process.env.AUDIT_DIR || 'audit');
  if (command === 'verify') {
    const check = verifyChain(dir);
    if (check.brokenAt) {
      console.error(`BROKEN: ${check.brokenAt.file} line ${check.brokenAt.line}: ${check.brokenAt.reason} (after ${check.records} good records)`);
      return 1;
    }
    console.log(`ok: ${check.records} records, chain intact (${dir})`);
    return 0;
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
    const matches = readRecords(dir).filter(
      (r) => (!subject || r.subject === subject) && (!key || (type ? r.entities?.[type] : Object.values(r.entities ?? {}).flat())?.includes(key)),
    );
    for (const r of matches) {
      console.log(`${r.time}  ${r.subject}${r.client ? ` (${r.client})` : ''}  purpose=${r.purpose ?? '-'}  ${r.operationName ?? '(anonymous operation)'}  unmasked=${r.unmasked.join(',') || '-'}  ${r.outcome}  request=${r.requestId}`);
    }
    console.log(`${matches.length} record(s)`);
    return 0;
  }
  console.error('usage: audit.ts verify | query …');
  return 2;
}

process.exit(main());
