import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, auditFiles, readRecords, verifyChain } from '../../gateway/audit/log';
import { generateCounty } from '../../mocks';
import { startCommand, TOKEN_LINE, ZERO_PORTS } from '../helpers/npm-start';
import { operation, postGraphQL } from '../helpers/stack';

const ROOT = join(__dirname, '..', '..');

/** `npm start` with its own audit directory; resolves once it serves. */
async function startStack(auditDir: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  const { child, waitForLine } = startCommand({ ...ZERO_PORTS, AUDIT_DIR: auditDir, MOCK_LAND_LATENCY_MS: '0' });
  const [, url] = await waitForLine(/^ready\. GraphQL: (\S+)$/);
  const [token] = await waitForLine(TOKEN_LINE);
  return { child, url: url!, token: token! };
}

async function sendRequests(url: string, token: string, n: number) {
  const projects = generateCounty().projects;
  for (let i = 0; i < n; i++) {
    const { errors } = await postGraphQL(url, operation('JointReview'), { code: projects[i]!.code }, { authorization: `Bearer ${token}` });
    expect(errors).toBeUndefined();
  }
}

describe('the audit trail', () => {
  it('N requests then SIGTERM: exactly N records and an intact chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const { child, url, token } = await startStack(dir);
    await sendRequests(url, token, 12);
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
    expect(verifyChain(dir)).toEqual({ records: 12, brokenAt: null });
    const records = readRecords(dir);
    expect(records.every((r) => r.subject === 'user:dev-user' && r.operationName === 'JointReview' && r.entities.ConstructionProject.length === 1)).toBe(true);
  });

  it('N requests then kill -9: every answered request is on record and the chain verifies (writes precede responses)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const { child, url, token } = await startStack(dir);
    await sendRequests(url, token, 9);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(verifyChain(dir)).toEqual({ records: 9, brokenAt: null });
    // A restarted gateway continues the same chain.
    const log = new AuditLog({ dir });
    log.append({ time: new Date().toISOString(), subject: 'user:after-restart' });
    log.close();
    expect(verifyChain(dir)).toEqual({ records: 10, brokenAt: null });
  });

  it('finds the first broken link after an edit, and `npm run audit:verify` fails on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const log = new AuditLog({ dir });
    for (let i = 0; i < 5; i++) log.append({ time: `2026-11-28T0${i}:00:00Z`, subject: `user:u${i}`, entities: { Enterprise: ['91350100M000100Y43'] } });
    log.close();
    const file = join(dir, auditFiles(dir)[0]!);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    lines[2] = lines[2]!.replace('user:u2', 'user:someone-else');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(verifyChain(dir).brokenAt).toMatchObject({ line: 3, reason: expect.stringContaining('hash does not match') });
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'audit.ts'), 'verify'], { env: { ...process.env, AUDIT_DIR: dir }, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/BROKEN: .* line 3/);
  });

  it('answers who looked at an enterprise, when and why (`npm run audit:query`)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const log = new AuditLog({ dir });
    log.append({ time: '2026-11-28T01:00:00Z', requestId: 'r1', subject: 'client:bank', client: '从江农商银行', purpose: 'case:GC1', operationName: 'PartnerLookup', entities: { Enterprise: ['91350100M000100Y43'] }, unmasked: [], outcome: 'ok' });
    log.append({ time: '2026-11-28T02:00:00Z', requestId: 'r2', subject: 'user:u1', purpose: null, operationName: 'JointReview', entities: { Enterprise: ['91110000802100433B'] }, unmasked: [], outcome: 'ok' });
    log.close();
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'audit.ts'), 'query', '--uscc', '91350100M000100Y43'], { env: { ...process.env, AUDIT_DIR: dir }, encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/client:bank \(从江农商银行\)\s+purpose=case:GC1\s+PartnerLookup/);
    expect(cli.stdout).toMatch(/^1 record\(s\)$/m);
  });

  it('rotates by size and day, and deletes files past retention', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    let now = new Date('2026-05-01T02:00:00Z');
    const log = new AuditLog({ dir, maxBytes: 600, retentionDays: 180, now: () => now });
    for (let i = 0; i < 6; i++) log.append({ subject: `user:${i}`, pad: 'x'.repeat(100) });
    expect(auditFiles(dir).length).toBeGreaterThan(1);
    expect(auditFiles(dir).every((f) => f.startsWith('audit-2026-05-01-'))).toBe(true);
    now = new Date('2026-11-28T02:00:00Z');
    log.append({ subject: 'user:later' });
    log.close();
    expect(auditFiles(dir)).toEqual(['audit-2026-11-28-001.jsonl']);
    // The first retained record points at one that was deleted: the chain is checked from there.
    expect(verifyChain(dir)).toEqual({ records: 1, brokenAt: null });
  });
});
