/**
 * 办件留言: the message thread of an application, over real HTTP through the gateway. A
 * reviewer writes, the applicant's partner system (X-Purpose case:<id>) answers, both read
 * the thread in order; outsiders, other regions, closed cases and bad input are refused
 * and nothing is stored; the author's name is masked as personal data and every message
 * read is on the audit record.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../gateway/audit/log';
import { readRecords } from '../../gateway/audit/verify';
import type { PartnerClient } from '../../gateway/capabilities/sign-in';
import { isWithin } from '../../domain/regions';
import { staffMember } from '../../domain/staff';
import { sha256 } from '../../lib/hash';
import { notYetApplied, seededMessages } from '../../mocks/approval/history';
import { startTestStack, type GraphQLResponse, type TestStack } from '../helpers/stack';

// The approval system's clock: Wednesday 2 Dec 2026, 10:00 in 从江.
const CLOCK = new Date('2026-12-02T02:00:00Z');
const auditDir = mkdtempSync(join(tmpdir(), 'audit-'));

const FIELDS = 'id authorId authorName role department departmentCode body attachments { name url reference } material { id name } sentAt';
const SEND = `mutation Send($applicationId: ID!, $body: String!, $attachments: [MessageAttachmentInput!], $material: ID) {
  sendMessage(applicationId: $applicationId, body: $body, attachments: $attachments, material: $material) { ${FIELDS} }
}`;
const THREAD = `query Thread($applicationId: ID!) { messages(applicationId: $applicationId) { ${FIELDS} } }`;
const APPLICATION_THREAD = `query($id: ID!) { application(id: $id) { id messages { ${FIELDS} application { id } } } }`;

/** 省政务服务平台 for the applicant: it may submit and write on the cases it names, and read nothing else of the approval system. */
const PARTNER: PartnerClient = {
  id: 'province',
  name: '省政务服务平台',
  keySha256: sha256('key-province'),
  scopes: ['approval:submit'],
  region: '522633',
  purposes: ['case'],
  operations: [sha256(SEND), sha256(THREAD)],
  ratePerMinute: 1000,
};
const partner = (applicationId: string) => ({ 'x-api-key': 'key-province', 'x-purpose': `case:${applicationId}` });

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ approvalClock: () => CLOCK, partners: [PARTNER], audit: new AuditLog({ dir: auditDir }) });
});
afterAll(() => stack.stop());

type Ask = <T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<T>>;

/** A token for someone on the roster, as the identity service would issue it (name claim included). */
async function as(id: string, region?: string): Promise<Ask> {
  const member = staffMember(id)!;
  const token = await stack.issuer.token({ sub: member.id, name: member.name, org: member.department, region: region ?? member.region, scope: member.scopes.join(' ') });
  return (query, variables, headers = {}) => stack.queryWith({ authorization: `Bearer ${token}`, ...headers }, query, variables);
}

/** POSTs that would store a message: what "nothing stored" is counted by. */
const messageWrites = () => stack.requests('approval').filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));

let keySerial = 0;
/** A new application at the construction-permit stage (住建局 and its fire review), as the window clerk submits it. */
async function freshApplication(skip: number) {
  const project = notYetApplied(stack.departments.county).filter((p) => p.stage === 'CONSTRUCTION_PERMIT')[skip]!;
  const clerk = await as('window-clerk');
  const { data, errors } = await clerk(
    `mutation($p: ID!, $k: String!) { submitApplication(input: { project: $p, stage: CONSTRUCTION_PERMIT, idempotencyKey: $k }) { id tasks { id departmentCode checklist { material { id name } } } } }`,
    { p: project.code, k: `case-messages-${++keySerial}-${project.code}` },
  );
  expect(errors).toBeUndefined();
  const tasks = data.submitApplication.tasks as { id: string; departmentCode: string; checklist: { material: { id: string; name: string } }[] }[];
  return { id: data.submitApplication.id as string, project, zjj: tasks.find((t) => t.departmentCode === 'zjj')!, fire: tasks.find((t) => t.departmentCode === 'zjj-xf')! };
}

describe('办件留言: a reviewer and the applicant’s side on one thread', () => {
  it('a reviewer writes, the applicant’s partner answers, and both read the thread in order with their roles', async () => {
    const application = await freshApplication(0);
    const material = application.zjj.checklist[0]!.material;
    const reviewer = await as('zjj-reviewer-1');
    await stack.resetCounts();
    const asked = await reviewer(SEND, {
      applicationId: application.id,
      body: `  请补充「${material.name}」的原件扫描件。  `,
      attachments: [{ name: '补正通知书.pdf', url: 'https://zwfw.congjiang.gov.cn/files/bz-0001.pdf' }],
      material: material.id,
    });
    expect(asked.errors).toBeUndefined();
    expect(asked.data.sendMessage).toEqual({
      id: `${application.id}-M1`,
      authorId: 'zjj-reviewer-1',
      authorName: '陈**', // 陈顺福, masked: no pii:read
      role: 'REVIEWER',
      department: '从江县住房和城乡建设局',
      departmentCode: 'zjj',
      body: `请补充「${material.name}」的原件扫描件。`,
      attachments: [{ name: '补正通知书.pdf', url: 'https://zwfw.congjiang.gov.cn/files/bz-0001.pdf', reference: null }],
      material,
      sentAt: CLOCK.toISOString(),
    });
    // The application looked up, the checklist's catalogue, one write.
    expect(stack.requests('approval').map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/applications/batch',
      'GET /api/catalog/items',
      `POST /api/applications/${application.id}/messages`,
    ]);

    const answered = await stack.queryWith(partner(application.id), SEND, {
      applicationId: application.id,
      body: '已补充，请查收。',
      attachments: [{ name: '施工图审查合格书（扫描件）', reference: 'BDC-2026-000123' }],
    });
    expect(answered.errors).toBeUndefined();
    expect(answered.data.sendMessage).toMatchObject({ id: `${application.id}-M2`, authorId: 'province', authorName: '省******', role: 'APPLICANT', department: null, departmentCode: null, material: null });

    const reviewerView = await reviewer(APPLICATION_THREAD, { id: application.id });
    expect(reviewerView.errors).toBeUndefined();
    expect(reviewerView.data.application.messages.map((m: any) => [m.id, m.role, m.body, m.application.id])).toEqual([
      [`${application.id}-M1`, 'REVIEWER', `请补充「${material.name}」的原件扫描件。`, application.id],
      [`${application.id}-M2`, 'APPLICANT', '已补充，请查收。', application.id],
    ]);
    await stack.resetCounts();
    const partnerView = await stack.queryWith(partner(application.id), THREAD, { applicationId: application.id });
    expect(partnerView.errors).toBeUndefined();
    expect(partnerView.data.messages).toEqual(reviewerView.data.application.messages.map(({ application: _, ...m }: any) => m));
    // The application (its jurisdiction and who may read), then the thread; the catalogue for the linked material.
    expect(stack.requests('approval').map((r) => r.path)).toEqual(['/api/applications/batch', '/api/messages/by-application', '/api/catalog/items']);
  });

  it('the window clerk writes for the applicant only when the case is named in X-Purpose', async () => {
    const application = await freshApplication(1);
    const clerk = await as('window-clerk');
    await stack.resetCounts();
    const unnamed = await clerk(SEND, { applicationId: application.id, body: '建设单位来电询问进度。' });
    expect(unnamed.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(messageWrites()).toHaveLength(0);
    const named = await clerk(SEND, { applicationId: application.id, body: '建设单位来电询问进度。' }, { 'x-purpose': `case:${application.id}` });
    expect(named.errors).toBeUndefined();
    // With pii:read and a purpose: the clerk's own name unmasked.
    expect(named.data.sendMessage).toMatchObject({ role: 'APPLICANT', authorId: 'window-clerk', authorName: '吴晓燕' });
    expect(messageWrites()).toHaveLength(1);
  });

  it('shows the seeded threads, a page of applications’ threads in one request to the approval system', async () => {
    const seeded = seededMessages(stack.departments.county);
    expect(seeded.length).toBeGreaterThanOrEqual(6);
    const admin = await as('county-admin');
    await stack.resetCounts();
    const { data, errors } = await admin(`{ applications(jointStatus: AWAITING_CORRECTIONS, first: 100) { nodes { id project { code } stage messages { role authorId authorName departmentCode body material { name } sentAt } } } }`);
    expect(errors).toBeUndefined();
    const withThreads = data.applications.nodes.filter((a: any) => a.messages.length > 0);
    const expected = seeded.filter((m) => withThreads.some((a: any) => a.project.code === m.projectCode && a.stage === m.stage));
    expect(withThreads.length).toBe(3);
    expect(withThreads.flatMap((a: any) => a.messages.map((m: any) => [m.role, m.authorId, m.sentAt]))).toEqual(expected.map((m) => [m.role, m.authorId, m.sentAt]));
    for (const a of withThreads) {
      expect(a.messages[0]).toMatchObject({ role: 'REVIEWER', body: expect.stringMatching(/^请按退回补正意见补充/) });
      expect(a.messages[1]).toMatchObject({ role: 'APPLICANT', authorId: 'window-clerk', authorName: '吴**' });
    }
    // The list, then every thread of the page at once.
    expect(stack.requests('approval').map((r) => r.path)).toEqual(['/api/applications', '/api/messages/by-application']);

    // A reviewer's request linked to a material of the department's checklist, as the project page reads it.
    const linked = seeded.find((m) => m.materialId !== null)!;
    const project = (await admin(`query($c: ID!) { constructionProject(code: $c) { applications { stage tasks { departmentCode checklist { material { id } } } messages { departmentCode material { id name } } } } }`, { c: linked.projectCode })).data
      .constructionProject;
    const application = project.applications.find((a: any) => a.stage === linked.stage);
    expect(application.messages[0].material.id).toBe(linked.materialId);
    const checklist = application.tasks.find((t: any) => t.departmentCode === linked.departmentCode).checklist.map((e: any) => e.material.id);
    expect(checklist).toContain(linked.materialId);
  });
});

describe('who may not read or write', () => {
  it('refuses another department’s reviewer, a partner naming another case, and callers with no approval scope, storing nothing', async () => {
    const application = await freshApplication(2);
    const other = await freshApplication(3);
    await stack.resetCounts();
    const zrzy = await as('zrzy-reviewer-1');
    const wrongDepartment = await zrzy(SEND, { applicationId: application.id, body: '请说明用地情况。' });
    expect(wrongDepartment.data).toBeNull();
    expect(wrongDepartment.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(wrongDepartment.errors![0]!.message).toMatch(/approval:review:zjj/);
    // Reading is approval:read, which every department's staff hold.
    expect((await zrzy(THREAD, { applicationId: application.id })).errors).toBeUndefined();

    const otherCase = await stack.queryWith(partner(other.id), SEND, { applicationId: application.id, body: '已补充。' });
    expect(otherCase.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const otherThread = await stack.queryWith(partner(other.id), THREAD, { applicationId: application.id });
    expect(otherThread.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(messageWrites()).toHaveLength(0);

    // No approval scope at all: cut by the gateway before anything is asked.
    const outsider = await stack.issuer.token({ sub: 'outsider', org: '522633-scjg', region: '522633', scope: 'enterprise:read' });
    await stack.resetCounts();
    const read = await stack.queryWith({ authorization: `Bearer ${outsider}` }, THREAD, { applicationId: application.id });
    expect(read.errors![0]).toMatchObject({ path: ['messages'], extensions: { code: 'FORBIDDEN' } });
    const write = await stack.queryWith({ authorization: `Bearer ${outsider}` }, SEND, { applicationId: application.id, body: '你好' });
    expect(write.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(stack.requests('approval').filter((r) => r.path !== '/api/applications/batch')).toHaveLength(0);
    const anonymous = await stack.queryWith({}, SEND, { applicationId: application.id, body: '你好' });
    expect(anonymous.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(messageWrites()).toHaveLength(0);
  });

  it('answers another town’s application as an unknown one, for reading and writing', async () => {
    const application = await freshApplication(4);
    const town = stack.departments.county.towns.find((t) => !isWithin(application.project.townCode, t.code))!.code;
    const townReviewer = await as('zjj-reviewer-2', town);
    await stack.resetCounts();
    const write = await townReviewer(SEND, { applicationId: application.id, body: '请补正。' });
    const unknownWrite = await townReviewer(SEND, { applicationId: 'SQ2026010109999', body: '请补正。' });
    expect(write.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'applicationId', serviceName: 'approval' });
    expect(write.errors!.map((e) => [e.extensions, e.message.replace(application.id, '…')])).toEqual(unknownWrite.errors!.map((e) => [e.extensions, e.message.replace('SQ2026010109999', '…')]));
    const read = await townReviewer(THREAD, { applicationId: application.id });
    expect(read.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'applicationId' });
    expect(messageWrites()).toHaveLength(0);
  });

  it.each(['REJECTED', 'APPROVED'])('refuses a message on a closed case (%s) with CONFLICT APPLICATION_CLOSED, and stores nothing', async (jointStatus) => {
    const { data } = await stack.query(`query($s: JointStatus) { applications(jointStatus: $s, first: 1) { nodes { id tasks { departmentCode status } } } }`, { s: jointStatus });
    const closed = data.applications.nodes[0];
    const reviewer = await as(`${closed.tasks[0].departmentCode}-reviewer-1`);
    const before = (await reviewer(THREAD, { applicationId: closed.id })).data.messages;
    await stack.resetCounts();
    const refused = await reviewer(SEND, { applicationId: closed.id, body: '请补充材料。' });
    expect(refused.data).toBeNull();
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_CLOSED' });
    // The approval system was asked and said no.
    expect(messageWrites()).toHaveLength(1);
    expect((await reviewer(THREAD, { applicationId: closed.id })).data.messages).toEqual(before);
  });
});

describe('bad input is refused naming the argument, before anything is sent', () => {
  let application: Awaited<ReturnType<typeof freshApplication>>;
  beforeAll(async () => {
    application = await freshApplication(5);
  });

  it.each([
    ['an empty body', { body: '' }, 'body'],
    ['a body of spaces', { body: ' \n\t ' }, 'body'],
    ['a body over 2000 characters', { body: '留'.repeat(2001) }, 'body'],
    ['six attachments', { attachments: Array.from({ length: 6 }, (_, i) => ({ name: `附件${i + 1}` })) }, 'attachments'],
    ['an attachment without a name', { attachments: [{ name: ' ' }] }, 'attachments'],
    ['an attachment at a file: address', { attachments: [{ name: '图纸', url: 'file:///etc/passwd' }] }, 'attachments'],
    ['a material the department does not review', { material: 'FIRE' }, 'material'],
    ['a material that is no material', { material: 'M999' }, 'material'],
    ['an unknown application', { applicationId: 'SQ2026010109999' }, 'applicationId'],
  ])('%s', async (_, input, argument) => {
    const reviewer = await as('zjj-reviewer-1');
    const variables: Record<string, unknown> = { applicationId: application.id, body: '请补正。', ...input };
    if (variables.material === 'FIRE') variables.material = application.fire.checklist.find((e) => !application.zjj.checklist.some((z) => z.material.id === e.material.id))!.material.id;
    await stack.resetCounts();
    const { data, errors } = await reviewer(SEND, variables);
    expect(data).toBeNull();
    expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(errors![0]!.message).toContain(`"${argument}"`);
    expect(messageWrites()).toHaveLength(0);
  });

  it('stored nothing for any of them', async () => {
    const reviewer = await as('zjj-reviewer-1');
    expect((await reviewer(THREAD, { applicationId: application.id })).data.messages).toEqual([]);
  });
});

describe('part of the case file: masked and audited', () => {
  it('masks the author’s name without pii:read and a purpose, and records every message disclosed and every name shown', async () => {
    const application = await freshApplication(6);
    const reviewer = await as('zjj-reviewer-1');
    await reviewer(SEND, { applicationId: application.id, body: '请补正。' });
    await stack.queryWith(partner(application.id), SEND, { applicationId: application.id, body: '收到。' });

    const masked = await reviewer(THREAD, { applicationId: application.id }, { 'x-request-id': 'case-messages-masked' });
    expect(masked.data.messages.map((m: any) => m.authorName)).toEqual(['陈**', '省******']);
    const clerk = await as('window-clerk');
    const shown = await clerk(`query($id: ID!) { messages(applicationId: $id) { authorName } }`, { id: application.id }, { 'x-purpose': `case:${application.id}`, 'x-request-id': 'case-messages-shown' });
    expect(shown.data.messages.map((m: any) => m.authorName)).toEqual(['陈顺福', '省政务服务平台']);

    const records = readRecords(auditDir);
    const maskedRecord = records.find((r) => r.requestId === 'case-messages-masked')!;
    expect(maskedRecord).toMatchObject({ subject: 'user:zjj-reviewer-1', unmasked: [], outcome: 'ok' });
    expect(maskedRecord.entities).toEqual({ CaseMessage: [`${application.id}-M1`, `${application.id}-M2`] });
    // The clerk did not select the ids: the audit fetched them anyway.
    const shownRecord = records.find((r) => r.requestId === 'case-messages-shown')!;
    expect(shownRecord).toMatchObject({ purpose: `case:${application.id}`, unmasked: ['CaseMessage.authorName'] });
    expect(shownRecord.entities).toEqual({ CaseMessage: [`${application.id}-M1`, `${application.id}-M2`] });
    // A message written is disclosed to its writer too.
    const written = records.filter((r) => r.entities.CaseMessage?.includes(`${application.id}-M2`) && r.subject === 'client:province');
    expect(written).toHaveLength(1);
  });
});
