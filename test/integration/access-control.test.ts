import { INTERNAL_IDENTITY_HEADER } from '../../contracts/internal-identity';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, auditFiles } from '../../gateway/audit/log';
import { readRecords } from '../../gateway/audit/verify';
import { type PartnerClient } from '../../gateway/capabilities/sign-in';
import { sha256 } from '../../lib/hash';
import { notYetApplied } from '../../mocks/approval/history';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

const auditDir = mkdtempSync(join(tmpdir(), 'audit-'));
const PROFILE = operation('EnterpriseProfile');
const PARTNER_QUERY = `query PartnerLookup($uscc: ID!) { enterprise(uscc: $uscc) { uscc name status legalRepresentative { name idNumber mobile } } }`;
const partner = (id: string, scopes: string[]): PartnerClient => ({
  id,
  name: id === 'bank' ? '从江农商银行' : '省政务服务平台',
  keySha256: sha256(`key-${id}`),
  scopes,
  region: '522633',
  purposes: ['project', 'case'],
  operations: [sha256(PARTNER_QUERY)],
  ratePerMinute: 1000,
});

let stack: TestStack;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  stack = await startTestStack({ partners: [partner('bank', ['enterprise:read']), partner('province', ['enterprise:read', 'pii:read'])], audit: new AuditLog({ dir: auditDir }) });
  const town = stack.departments.county.towns[0]!.code;
  const t = (sub: string, region: string, scope: string, org = '522633-zwzx') => stack.issuer.token({ sub, org, region, scope });
  tokens.clerk = await t('clerk-1', '522633', 'enterprise:read land:read construction:read approval:read approval:submit');
  tokens.reviewer = await t('zrzy-1', '522633', 'land:read construction:read approval:read approval:review:zrzy', '522633-zrzy');
  tokens.town = await t('town-1', town, 'enterprise:read land:read construction:read');
  tokens.county = await t('county-1', '522633', 'enterprise:read land:read construction:read approval:read pii:read');
});
afterAll(() => stack.stop());
beforeEach(() => stack.resetCounts());

const as = (role: string, extra: Record<string, string> = {}) => ({ ...(tokens[role] ? { authorization: `Bearer ${tokens[role]}` } : {}), ...extra });
const apiKey = (id: string, purpose?: string) => ({ 'x-api-key': `key-${id}`, ...(purpose ? { 'x-purpose': purpose } : {}) });

describe('who may see what: roles × fields × regions', () => {
  const developer = () => stack.departments.county.enterprises.find((e) => e.uscc === stack.departments.county.projects[0]!.applicantUscc)!;
  const rep = () => developer().legalRepresentative;
  const masked = () => ({ idNumber: `${rep().idNumber.slice(0, 6)}********${rep().idNumber.slice(-4)}`, mobile: `${rep().mobile.slice(0, 3)}****${rep().mobile.slice(-4)}` });

  it('anonymous: no enterprise data, UNAUTHENTICATED with the path, and the registry is not asked; public guides still served', async () => {
    const { data, errors } = await stack.queryWith({}, `query($u: ID!) { enterprise(uscc: $u) { name } serviceItems(stage: CONSTRUCTION_PERMIT) { name } }`, { u: developer().uscc });
    expect(data.enterprise).toBeNull();
    expect(data.serviceItems.length).toBeGreaterThan(0);
    expect(errors).toEqual([expect.objectContaining({ path: ['enterprise'], extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(stack.requests('enterprise')).toHaveLength(0);
  });

  it('window clerk: enterprise data with personal data masked', async () => {
    const { data, errors } = await stack.queryWith(as('clerk'), PROFILE, { uscc: developer().uscc });
    expect(errors).toBeUndefined();
    expect(data.enterprise.legalRepresentative).toEqual({ name: rep().name, ...masked() });
  });

  it('department reviewer without enterprise:read: the joint review comes back without the enterprises, none fetched', async () => {
    const project = stack.departments.county.projects[0]!;
    const { data, errors } = await stack.queryWith(as('reviewer'), operation('JointReview'), { code: project.code });
    expect(data.constructionProject).toMatchObject({ code: project.code, applicant: null, parcel: { unitNumber: project.parcelUnitNumber, rightHolder: null } });
    expect(data.constructionProject.participants.every((p: any) => p.enterprise === null)).toBe(true);
    expect(errors!.every((e) => e.extensions!.code === 'FORBIDDEN')).toBe(true);
    expect(errors!.map((e) => e.path)).toContainEqual(['constructionProject', 'applicant']);
    expect(stack.requests('enterprise')).toHaveLength(0);
    expect(stack.requests('land')).toHaveLength(1);
  });

  it('reviewers decide only their own department’s tasks', async () => {
    const project = notYetApplied(stack.departments.county).find((p) => p.stage === 'PROJECT_LAND_PLANNING')!;
    const submitted = await stack.queryWith(as('clerk'), operation('SubmitApplication'), { project: project.code, stage: 'PROJECT_LAND_PLANNING', idempotencyKey: `access-${Date.now()}` });
    const tasks = submitted.data.submitApplication.tasks;
    const own = tasks.find((t: any) => t.departmentCode === 'zrzy');
    const other = tasks.find((t: any) => t.departmentCode === 'fgj');
    const ok = await stack.queryWith(as('reviewer'), operation('RecordReviewOpinion'), { taskId: own.id, decision: 'ACCEPT', opinion: '受理' });
    expect(ok.errors).toBeUndefined();
    const refused = await stack.queryWith(as('reviewer'), operation('RecordReviewOpinion'), { taskId: other.id, decision: 'ACCEPT', opinion: '受理' });
    expect(refused.errors![0]).toMatchObject({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) });
    const { data } = await stack.query(`query($id: ID!) { application(id: $id) { tasks { departmentCode status reviewer } } }`, { id: submitted.data.submitApplication.id });
    expect(data.application.tasks.find((t: any) => t.departmentCode === 'zrzy')).toMatchObject({ status: 'IN_REVIEW', reviewer: 'zrzy-1' });
    expect(data.application.tasks.find((t: any) => t.departmentCode === 'fgj')).toMatchObject({ status: 'PENDING_ACCEPTANCE' });
  });

  it('town user: sees its own town’s projects only, in lists and single lookups; another town’s answers as unknown', async () => {
    const { county } = stack.departments;
    const town = county.towns[0]!.code;
    const mine = county.projects.find((p) => p.townCode === town)!;
    const theirs = county.projects.find((p) => p.townCode !== town)!;
    const list = await stack.queryWith(as('town'), `{ constructionProjects(first: 100) { totalCount nodes { townCode } } }`);
    expect(list.data.constructionProjects.totalCount).toBe(county.projects.filter((p) => p.townCode === town).length);
    expect(list.data.constructionProjects.nodes.every((n: any) => n.townCode === town)).toBe(true);
    expect((await stack.queryWith(as('town'), `query($c: ID!) { constructionProject(code: $c) { code } }`, { c: mine.code })).data.constructionProject.code).toBe(mine.code);
    // Another town's project is answered as an unknown one: null, no error, so existence does not leak.
    const outside = await stack.queryWith(as('town'), `query($c: ID!) { constructionProject(code: $c) { code } }`, { c: theirs.code });
    const unknown = await stack.queryWith(as('town'), `query($c: ID!) { constructionProject(code: $c) { code } }`, { c: '2409-522633-89-01-000001' });
    expect(outside).toEqual(unknown);
    expect(outside.data.constructionProject).toBeNull();
    expect(outside.errors).toBeUndefined();
    const county6 = await stack.queryWith(as('town'), `{ constructionProjects(regionCode: "522633") { totalCount } }`);
    expect(county6.data.constructionProjects.totalCount).toBe(list.data.constructionProjects.totalCount);
  });

  it('county user with pii:read: masked without a stated purpose, unmasked and audited with one', async () => {
    const withoutPurpose = await stack.queryWith(as('county'), PROFILE, { uscc: developer().uscc });
    expect(withoutPurpose.data.enterprise.legalRepresentative).toMatchObject(masked());
    const withPurpose = await stack.queryWith(as('county', { 'x-purpose': 'case:GC202611280001', 'x-request-id': 'req-county-unmasked-1' }), PROFILE, { uscc: developer().uscc });
    expect(withPurpose.data.enterprise.legalRepresentative).toMatchObject({ idNumber: rep().idNumber, mobile: rep().mobile });
    const record = readRecords(auditDir).find((r) => r.requestId === 'req-county-unmasked-1')!;
    expect(record).toMatchObject({ subject: 'user:county-1', purpose: 'case:GC202611280001', unmasked: ['LegalRepresentative.idNumber', 'LegalRepresentative.mobile'], outcome: 'ok' });
    expect(record.entities.Enterprise).toContain(developer().uscc);
  });

  it('partner without pii:read: masked data, only its registered operation, only with a purpose', async () => {
    const ok = await stack.queryWith(apiKey('bank', 'project:2409-522633-89-01-123457'), PARTNER_QUERY, { uscc: developer().uscc });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.enterprise.legalRepresentative).toMatchObject(masked());
    const unregistered = await stack.queryWith(apiKey('bank', 'project:x'), PROFILE, { uscc: developer().uscc });
    expect(unregistered.status).toBe(403);
    expect(unregistered.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const noPurpose = await stack.queryWith(apiKey('bank'), PARTNER_QUERY, { uscc: developer().uscc });
    expect(noPurpose.status).toBe(403);
    const wrongKind = await stack.queryWith(apiKey('bank', 'item:000133001000'), PARTNER_QUERY, { uscc: developer().uscc });
    expect(wrongKind.status).toBe(403);
  });

  it('partner with pii:read and a purpose: unmasked, and the audit trail says who, what and why', async () => {
    const { data } = await stack.queryWith({ ...apiKey('province', 'case:GC202611280002'), 'x-request-id': 'req-partner-pii-1' }, PARTNER_QUERY, { uscc: developer().uscc });
    expect(data.enterprise.legalRepresentative.idNumber).toBe(rep().idNumber);
    const record = readRecords(auditDir).find((r) => r.requestId === 'req-partner-pii-1')!;
    expect(record).toMatchObject({ subject: 'client:province', client: '省政务服务平台', purpose: 'case:GC202611280002', operationName: 'PartnerLookup' });
    expect(record.documentHash).toBe(sha256(PARTNER_QUERY));
  });

  it('refuses a forged or expired token with 401, never as anonymous', async () => {
    const forged = `${tokens.clerk!.slice(0, -4)}AAAA`;
    const bad = await stack.queryWith({ authorization: `Bearer ${forged}` }, `{ serviceItems { name } }`);
    expect(bad.status).toBe(401);
    expect(bad.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const expired = await stack.issuer.token({ sub: 'x', region: '522633', scope: '', expiresIn: '-1m' });
    const old = await stack.queryWith({ authorization: `Bearer ${expired}` }, `{ serviceItems { name } }`);
    expect(old.status).toBe(401);
    expect(old.errors![0]!.message).toMatch(/expired/);
    const wrongKey = await stack.queryWith({ 'x-api-key': 'key-nobody' }, `{ serviceItems { name } }`);
    expect(wrongKey.status).toBe(401);
  });

  it('subgraphs refuse callers that bypass the gateway, even with a forged identity header', async () => {
    const direct = await fetch(stack.subgraphUrls.enterprise, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_IDENTITY_HEADER]: tokens.county! },
      body: JSON.stringify({ query: '{ enterprise(uscc: "91350100M000100Y43") { name } }' }),
    });
    expect(direct.status).toBe(401);
  });

  it('the audit file is JSON lines with a hash chain', () => {
    const lines = readFileSync(join(auditDir, auditFiles(auditDir)[0]!), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    const records = lines.map((l) => JSON.parse(l));
    for (let i = 1; i < records.length; i++) expect(records[i].prev).toBe(records[i - 1].hash);
  });
});
