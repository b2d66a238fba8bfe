/**
 * `npm run audit:verify` checks the audit trail's hash chain and reports the first broken link.
 * `npm run audit:query -- --subject user:u1` / `--uscc 9152…` / `--type Parcel --key …` answers
 * "who looked at this, when, and why".
 * The trail is in AUDIT_DIR (default ./audit); a gateway run with `--workers` keeps one chain
 * per worker beneath it, and both commands cover them all.
 */
import { resolve } from 'node:path';
import { auditChains, readRecords, verifyChain } from '../gateway/audit/log';

function main(): number {
  const [command, ...rest] = process.argv.slice(2);
  const dir = resolve(process.env.AUDIT_DIR || 'audit');
  if (command === 'verify') {
    let broken = false;
    for (const chain of auditChains(dir)) {
      const check = verifyChain(chain);
      if (check.brokenAt) {
        broken = true;
        console.error(`BROKEN: ${chain}/${check.brokenAt.file} line ${check.brokenAt.line}: ${check.brokenAt.reason} (after ${check.records} good records)`);
      } else if (check.records > 0 || chain === dir) {
        console.log(`ok: ${check.records} records, chain intact (${chain})`);
      }
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
    const matches = auditChains(dir).flatMap(readRecords).filter(
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
