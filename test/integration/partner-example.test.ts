import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { sha256 } from '../../lib/hash';
import * as generated from '../../examples/partner/generated/graphql';

const ROOT = join(__dirname, '..', '..');
const MANIFEST_PATH = join(ROOT, 'examples', 'partner', 'generated', 'persisted-documents.json');

describe('the partner system example (docs/partners.md)', () => {
  it('npm run example:partner starts its own stack, runs registered operations over HTTP and exits 0', async () => {
    const child = spawn('npm', ['run', '--silent', 'example:partner'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [exitCode] = await once(child, 'close');
    expect({ exitCode, output }).toEqual({ exitCode: 0, output: expect.stringContaining('done: every step behaved as docs/partners.md says.') });

    // The bank: a revoked developer, its legal representative's ID number masked (no pii:read).
    expect(output).toMatch(/91522633MA5BD2A06U\): 吊销 \(REVOKED\)/);
    expect(output).toMatch(/ID number 522633\*{8}\d{3}[\dX] \(masked/);
    // The provincial platform: an application, safe to retry, and a joint review without the parcel it may not read.
    const [, applicationId] = /application (SQ\d+) at 施工许可 \(CONSTRUCTION_PERMIT\)/.exec(output)!;
    expect(output).toContain(`retried with the same idempotency key: the same application ${applicationId}`);
    expect(output).toMatch(/parcel: not shown, FORBIDDEN \(ConstructionProject\.parcel: needs scope land:read\)/);
    // Refusals, each with its status and code.
    expect(output).toMatch(/a purpose that is not an identifier: HTTP 400 BAD_REQUEST/);
    expect(output).toMatch(/a kind of purpose the bank is not registered for: HTTP 403 FORBIDDEN/);
    expect(output).toMatch(/the bank runs the province's operation: HTTP 403 FORBIDDEN: this operation is not registered/);
    // [5] Live: the correction request over WebSocket, the reviewer's message over SSE, each with an event id to resume from, and the platform's reply on the thread.
    expect(output).toMatch(new RegExp(`follows application ${applicationId} live, X-Purpose case:${applicationId}`));
    expect(output).toMatch(/received applicationUpdated \(event \d+-\d+\): 从江县住房和城乡建设局 退回补正 \(CORRECTIONS_REQUESTED\)/);
    expect(output).toMatch(/received messageAdded \(event \d+-\d+\): REVIEWER 从江县住房和城乡建设局: 请补正/);
    expect(output).toContain(`replied with ProvinceSendMessage: message ${applicationId}-M2 as APPLICANT`);
    expect(output).toContain('received live: 1 applicationUpdated over WebSocket, 2 messageAdded over SSE');
    // The audit trail names each partner, its purpose and what it saw.
    expect(output).toMatch(/client:bank-cjrcb project:2302-522633-04-03-364537 BankEnterpriseCheck: Enterprise 91522633MA5BD2A06U \[ok\]/);
    expect(output).toMatch(/client:gz-zwfw case:GZ2026112900017 ProvinceJointReview: .*ConstructionProject 2203-522633-35-01-959599 \[partial\]/);
    expect(output).toContain(`client:gz-zwfw case:${applicationId} ProvinceSendMessage: CaseMessage ${applicationId}-M2 [ok]`);
  });

  // A process: the code generator's plugins are ES modules, which jest on Node 20 cannot require.
  it('the committed API schema, types and manifest are what codegen makes from the supergraph now', () => {
    const check = spawnSync('npm', ['run', '--silent', 'example:partner:codegen:check'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    expect(check.stdout).toMatch(/schema and generated types are up to date \(3 files\)/);
  });

  it('every generated document points at a manifest text whose SHA-256 is its hash, and that text is valid GraphQL', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, string>;
    const documents = Object.entries(generated).filter(([name]) => name.endsWith('Document'));
    expect(documents.map(([name]) => name).sort()).toEqual([
      'BankEnterpriseCheckDocument',
      'ProvinceApplicationUpdatedDocument',
      'ProvinceJointReviewDocument',
      'ProvinceMessageAddedDocument',
      'ProvinceSendMessageDocument',
      'ProvinceSubmitApplicationDocument',
    ]);
    for (const [, document] of documents) {
      const hash = String((document as { __meta__?: Record<string, unknown> }).__meta__?.hash);
      expect(manifest[hash]).toEqual(expect.any(String));
      expect(`sha256:${sha256(manifest[hash]!)}`).toBe(hash);
      expect(() => parse(manifest[hash]!)).not.toThrow();
    }
    expect(Object.keys(manifest)).toHaveLength(documents.length);
  });
});
