import { spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeysFrom } from '../../gateway/audit/checkpoints';
import { AuditLog, auditChains, auditFiles, checkpointFiles, recordHash } from '../../gateway/audit/log';
import { readRecords, verifyTrail } from '../../gateway/audit/verify';
import { DEV_CHECKPOINT_KEY, readSecurityConfig } from '../../gateway/config';
import { generateCounty } from '../../mocks';
import { startCommand, TOKEN_LINE, ZERO_PORTS } from '../helpers/npm-start';
import { operation, postGraphQL } from '../helpers/stack';

const ROOT = join(__dirname, '..', '..');

/** `npm start` with its own audit directory; resolves once it serves, with the folder of its chain. */
async function startStack(auditDir: string): Promise<{ child: ChildProcess; url: string; token: string; chain: string }> {
  const { child, waitForLine } = startCommand({ ...ZERO_PORTS, AUDIT_DIR: auditDir, MOCK_LAND_LATENCY_MS: '0' });
  const [, url] = await waitForLine(/^ready\. GraphQL: (\S+)$/);
  const [token] = await waitForLine(TOKEN_LINE);
  // Its own folder even alone, named by the host (AUDIT_INSTANCE_ID unset).
  return { child, url: url!, token: token!, chain: join(auditDir, readSecurityConfig({}).audit.instanceId) };
}

async function sendRequests(url: string, token: string, n: number) {
  const projects = generateCounty().projects;
  for (let i = 0; i < n; i++) {
    const { errors } = await postGraphQL(url, operation('JointReview'), { code: projects[i]!.code }, { authorization: `Bearer ${token}` });
    expect(errors).toBeUndefined();
  }
}

const devKeys = () => publicKeysFrom([readFileSync(DEV_CHECKPOINT_KEY, 'utf8')]);

/** A trail of `n` records in a fresh directory, signed with its own key, checkpointed every `every`. */
function trail(n: number, every = 4): { dir: string; key: KeyObject; keys: ReturnType<typeof publicKeysFrom> } {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const { privateKey } = generateKeyPairSync('ed25519');
  const log = new AuditLog({ dir, checkpoints: { key: privateKey, every, seconds: 0 } });
  for (let i = 0; i < n; i++) log.append({ time: `2026-11-28T0${i % 10}:00:00Z`, subject: `user:u${i}`, entities: { Enterprise: ['91350100M000100Y43'] } });
  log.close();
  return { dir, key: privateKey, keys: publicKeysFrom([privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()]) };
}

const recordsFile = (dir: string) => join(dir, auditFiles(dir)[0]!);
const linesOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
const write = (file: string, lines: string[]) => writeFileSync(file, `${lines.join('\n')}\n`);

/** Edits record `index` and recomputes every hash after it, as someone covering their tracks would. */
function rewriteForward(dir: string, index: number, edit: (record: Record<string, any>) => void) {
  const file = recordsFile(dir);
  const records = linesOf(file).map((l) => JSON.parse(l) as Record<string, any>);
  edit(records[index]!);
  for (let i = index; i < records.length; i++) {
    const { hash: _old, ...chained } = records[i]!;
    if (i > 0) chained.prev = records[i - 1]!.hash;
    records[i] = { ...chained, hash: recordHash(chained) };
  }
  write(file, records.map((r) => JSON.stringify(r)));
}

const verifyCli = (dir: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'audit.ts'), 'verify'], { env: { ...process.env, AUDIT_DIR: dir, ...env }, encoding: 'utf8' });

describe('the audit trail', () => {
  it('N requests then SIGTERM: exactly N records, an intact chain, anchored from its genesis to a shutdown checkpoint', async () => {
    const trailDir = mkdtempSync(join(tmpdir(), 'audit-'));
    const { child, url, token, chain: dir } = await startStack(trailDir);
    await sendRequests(url, token, 12);
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
    expect(auditChains(trailDir).map((c) => c.dir)).toEqual([dir]);
    expect(verifyTrail(dir, devKeys())).toMatchObject({ records: 12, brokenAt: null, unanchored: 0, checkpoints: { count: 2, checked: true } });
    const records = readRecords(dir);
    expect(records.every((r) => r.subject === 'user:dev-user' && r.operationName === 'JointReview' && r.entities.ConstructionProject.length === 1)).toBe(true);
    // The trail names who looked at whom: only its owner may read it. Its lock went with the process.
    for (const file of readdirSync(dir)) expect({ file, mode: statSync(join(dir, file)).mode & 0o777 }).toEqual({ file: expect.stringMatching(/^(audit|checkpoints)-/), mode: 0o600 });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('N requests then kill -9: every answered request is on record and the chain verifies (writes precede responses)', async () => {
    const { child, url, token, chain: dir } = await startStack(mkdtempSync(join(tmpdir(), 'audit-')));
    await sendRequests(url, token, 9);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // No shutdown checkpoint: the nine are on record but not anchored yet.
    expect(verifyTrail(dir, devKeys())).toMatchObject({ records: 9, brokenAt: null, unanchored: 9 });
    // A restarted gateway continues the same chain and anchors it: the killed one's lock does not hold it back.
    const log = new AuditLog({ dir, checkpoints: { key: createPrivateKey(readFileSync(DEV_CHECKPOINT_KEY)), seconds: 0 } });
    log.append({ time: new Date().toISOString(), subject: 'user:after-restart' });
    log.close();
    expect(verifyTrail(dir, devKeys())).toMatchObject({ records: 10, brokenAt: null, unanchored: 0 });
  });

  it('finds the first broken link after an edit, and `npm run audit:verify` fails on it', () => {
    const { dir, key } = trail(5);
    const file = recordsFile(dir);
    const lines = linesOf(file);
    lines[2] = lines[2]!.replace('user:u2', 'user:someone-else');
    write(file, lines);
    expect(verifyTrail(dir).brokenAt).toMatchObject({ line: 3, reason: expect.stringContaining('hash does not match') });
    const keyFile = join(mkdtempSync(join(tmpdir(), 'key-')), 'checkpoint.pem');
    writeFileSync(keyFile, key.export({ type: 'pkcs8', format: 'pem' }));
    const cli = verifyCli(dir, { AUDIT_CHECKPOINT_KEY_FILE: keyFile });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/BROKEN: .* line 3: its hash does not match/);
  });

  it('a rewrite that recomputes the hashes forward still verifies as a chain, and the signed checkpoints expose it', () => {
    const { dir, keys } = trail(10);
    rewriteForward(dir, 2, (r) => (r.subject = 'user:someone-else'));
    // The links alone are fooled: this is what the checkpoints are for.
    expect(verifyTrail(dir).brokenAt).toBeNull();
    const report = verifyTrail(dir, keys);
    expect(report.brokenAt).toMatchObject({ line: 4, reason: expect.stringMatching(/record #4 is not the one the checkpoint .* signed: the trail was rewritten/) });
  });

  it('records cut from the start are reported: the first one left is anchored by no genesis', () => {
    const { dir, keys } = trail(10);
    const file = recordsFile(dir);
    write(file, linesOf(file).slice(3));
    expect(verifyTrail(dir).brokenAt).toBeNull();
    expect(verifyTrail(dir, keys).problems).toContainEqual(expect.objectContaining({ line: 1, reason: expect.stringContaining('start is not anchored') }));
  });

  it('records cut from the end are reported when a checkpoint anchors them, and counted as unanchored when none does', () => {
    const { dir, keys } = trail(10);
    // Checkpoints at #4, #8 and at shutdown (#10).
    expect(verifyTrail(dir, keys)).toMatchObject({ brokenAt: null, unanchored: 0, checkpoints: { count: 4 } });
    const file = recordsFile(dir);
    write(file, linesOf(file).slice(0, 9));
    expect(verifyTrail(dir, keys).problems).toContainEqual(expect.objectContaining({ reason: expect.stringContaining('cut from the end') }));

    // Written since the last checkpoint: shown as not anchored yet, not as a fault.
    const { dir: fresh, key } = trail(8);
    const log = new AuditLog({ dir: fresh, checkpoints: { key, every: 100, seconds: 0 } });
    log.append({ subject: 'user:late-1' });
    log.append({ subject: 'user:late-2' });
    // Killed before shutdown: no checkpoint for the two.
    const report = verifyTrail(fresh, publicKeysFrom([key.export({ type: 'pkcs8', format: 'pem' }).toString()]));
    expect(report).toMatchObject({ brokenAt: null, records: 10, unanchored: 2 });
    log.close();
  });

  it('a checkpoint removed from the middle, or forged with another key, is reported', () => {
    const { dir, keys } = trail(12);
    const checkpoints = join(dir, checkpointFiles(dir)[0]!);
    const lines = linesOf(checkpoints);
    write(checkpoints, [...lines.slice(0, 1), ...lines.slice(2)]);
    expect(verifyTrail(dir, keys).problems).toContainEqual(expect.objectContaining({ reason: expect.stringContaining('does not point at the checkpoint before it') }));

    const other = trail(3);
    const forged = verifyTrail(other.dir, keys);
    expect(forged.problems).toContainEqual(expect.objectContaining({ reason: expect.stringContaining('not among the public keys given') }));
  });

  it('a torn last line is set aside at start-up with a record saying so; the chain continues and audit:query does not stumble', () => {
    const { dir, key, keys } = trail(5);
    const file = recordsFile(dir);
    const torn = '{"time":"2026-11-28T09:00:00Z","subject":"user:u9","entit';
    appendFileSync(file, torn);
    // Before recovery the torn line breaks verification, and queries skip it.
    expect(verifyTrail(dir).brokenAt).toMatchObject({ reason: 'not a JSON record' });
    const query = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'audit.ts'), 'query', '--uscc', '91350100M000100Y43'], { env: { ...process.env, AUDIT_DIR: dir }, encoding: 'utf8' });
    expect(query.status).toBe(0);
    expect(query.stdout).toMatch(/^5 record\(s\)$/m);
    expect(query.stderr).toMatch(/1 line\(s\) are not records/);

    const log = new AuditLog({ dir, checkpoints: { key, seconds: 0 } });
    log.append({ subject: 'user:after' });
    log.close();
    const records = readRecords(dir);
    expect(records.map((r) => r.subject ?? r.event)).toEqual(['user:u0', 'user:u1', 'user:u2', 'user:u3', 'user:u4', 'audit-recovered', 'user:after']);
    const recovered = records[5]!;
    expect(readFileSync(join(dir, recovered.movedTo), 'utf8')).toBe(torn);
    expect(statSync(join(dir, recovered.movedTo)).mode & 0o777).toBe(0o600);
    expect(verifyTrail(dir, keys)).toMatchObject({ brokenAt: null, records: 7, unanchored: 0 });
  });

  it('a checkpoint line torn at a power cut is set aside too, and the checkpoints go on', () => {
    const { dir, key, keys } = trail(5);
    appendFileSync(join(dir, checkpointFiles(dir)[0]!), '{"checkpoint":"periodic","chain":"');
    const log = new AuditLog({ dir, checkpoints: { key, seconds: 0 } });
    log.append({ subject: 'user:after' });
    log.close();
    expect(verifyTrail(dir, keys)).toMatchObject({ brokenAt: null, records: 6, unanchored: 0 });
    expect(readdirSync(dir).filter((f) => f.startsWith('checkpoints-') && f.includes('.torn-'))).toHaveLength(1);
  });

  it('vouches for no cut it did not make: files deleted out of turn get no retention anchor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const { privateKey } = generateKeyPairSync('ed25519');
    const keys = publicKeysFrom([privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()]);
    let now = new Date('2026-05-01T02:00:00Z');
    const log = new AuditLog({ dir, retentionDays: 180, now: () => now, checkpoints: { key: privateKey, seconds: 0 } });
    log.append({ subject: 'user:old' });
    now = new Date('2026-11-20T02:00:00Z');
    log.append({ subject: 'user:recent' });
    // Someone removes a recent file (not expired) before the next day's rotation deletes the old one.
    unlinkSync(join(dir, 'audit-2026-11-20-001.jsonl'));
    now = new Date('2026-11-28T02:00:00Z');
    log.append({ subject: 'user:today' });
    log.close();
    expect(auditFiles(dir)).toEqual(['audit-2026-11-28-001.jsonl']);
    expect(verifyTrail(dir, keys).problems).toContainEqual(expect.objectContaining({ reason: expect.stringContaining('start is not anchored') }));
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

  it('rotates by size and day, deletes files past retention, and anchors the first record kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const { privateKey } = generateKeyPairSync('ed25519');
    const keys = publicKeysFrom([privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()]);
    let now = new Date('2026-05-01T02:00:00Z');
    const log = new AuditLog({ dir, maxBytes: 600, retentionDays: 180, now: () => now, checkpoints: { key: privateKey, seconds: 0 } });
    for (let i = 0; i < 6; i++) log.append({ subject: `user:${i}`, pad: 'x'.repeat(100) });
    expect(auditFiles(dir).length).toBeGreaterThan(1);
    expect(auditFiles(dir).every((f) => f.startsWith('audit-2026-05-01-'))).toBe(true);
    now = new Date('2026-11-28T02:00:00Z');
    log.append({ subject: 'user:later' });
    log.close();
    expect(auditFiles(dir)).toEqual(['audit-2026-11-28-001.jsonl']);
    expect(checkpointFiles(dir)).toEqual(['checkpoints-2026-11-28.jsonl']);
    // The first record kept points at one deleted on schedule: the signed retention checkpoint anchors it.
    expect(verifyTrail(dir, keys)).toMatchObject({ records: 1, brokenAt: null, unanchored: 0 });
    // Without that anchor the same cut is a cut at the start.
    const checkpoints = join(dir, checkpointFiles(dir)[0]!);
    unlinkSync(checkpoints);
    expect(verifyTrail(dir, keys).brokenAt).not.toBeNull();
  });
});
