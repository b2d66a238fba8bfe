/**
 * `npm run example:partner`: two partner systems integrate with the county gateway, end to
 * end, on a fresh clone. It starts the embedded stack on ephemeral ports, registers a bank
 * and the provincial platform the way `npm run partner:register` does (a new API key, only
 * its SHA-256 kept, the persisted-documents manifest as trusted documents), then calls the
 * gateway over HTTP with each key and a purpose, the way docs/partners.md describes.
 * Then the provincial platform follows its applicant's case live (WebSocket and SSE): a
 * reviewer asks for corrections and writes on the case, the platform receives both as
 * they happen and answers on the thread.
 * It exits 0 when every step behaved as documented, 1 otherwise.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGE_NAMES } from '../../domain/stages';
import { JOINT_STATUS_NAMES, REGISTRATION_STATUS_NAMES, REVIEW_STATUS_NAMES } from '../../domain/statuses';
import { AuditLog } from '../../gateway/audit/log';
import { readRecords } from '../../gateway/audit/verify';
import { silentLogger } from '../../lib/logger';
import { staffMember } from '../../domain/staff';
import { ephemeralIssuer } from '../../stack/dev-issuer';
import { DEPARTMENT_IDS, startEmbeddedStack, type EmbeddedStackOptions } from '../../stack/embedded-stack';
import { registerPartner } from '../../scripts/partner-register';
import { readDepartmentClientSettings } from '../../subgraphs/shared/config';
import { CountyGatewayClient, errorAt, eventStreamSubscriptions, GatewayRefusal, webSocketSubscriptions, type RegisteredOperation, type SubscriptionEvent } from './client';
import {
  BankEnterpriseCheckDocument,
  ProjectStage,
  ProvinceApplicationUpdatedDocument,
  ProvinceJointReviewDocument,
  ProvinceMessageAddedDocument,
  ProvinceSendMessageDocument,
  ProvinceSubmitApplicationDocument,
  type ProvinceApplicationUpdatedSubscription,
  type ProvinceMessageAddedSubscription,
  type JointStatus,
  type RegistrationStatus,
  type ReviewStatus,
} from './generated/graphql';
import persistedDocuments from './generated/persisted-documents.json';

const MANIFEST: Readonly<Record<string, string>> = persistedDocuments;

// From the seeded county (DATA_SEED 522633, the default), as in the README.
const LOAN_PROJECT = '2302-522633-04-03-364537';
const LOAN_APPLICANT = '91522633MA5BD2A06U';
const ONLINE_APPLICATION_PROJECT = '2203-522633-35-01-959599';
const PROVINCIAL_CASE = 'case:GZ2026112900017';

// The county's names (domain/), typed by the generated enums: a value the schema adds without a name fails typecheck.
const REGISTRATION: Record<RegistrationStatus, string> = REGISTRATION_STATUS_NAMES;
const JOINT: Record<JointStatus, string> = JOINT_STATUS_NAMES;
const REVIEW: Record<ReviewStatus, string> = REVIEW_STATUS_NAMES;
const STAGE: Record<ProjectStage, string> = STAGE_NAMES;

/** The value as staff say it, then as the API spells it: 吊销 (REVOKED). */
const named = <V extends string>(names: Record<V, string>, value: V) => `${names[value]} (${value})`;

/** The registered text of a generated document. */
const textOf = (operation: RegisteredOperation<unknown, never>) => MANIFEST[String(operation.__meta__?.hash)]!;

export async function runPartnerExample(print: (line: string) => void = console.log): Promise<void> {
  const bank = registerPartner({
    id: 'bank-cjrcb',
    name: '从江农商银行 信贷系统',
    region: '522633',
    scopes: ['enterprise:read'],
    purposes: ['project'],
    operations: [textOf(BankEnterpriseCheckDocument)],
    ratePerMinute: 60,
  });
  // No land:read yet: the provincial platform's request for it is still with 自然资源局.
  const province = registerPartner({
    id: 'gz-zwfw',
    name: '贵州省政务服务平台',
    region: '52',
    scopes: ['enterprise:read', 'construction:read', 'approval:read', 'approval:submit'],
    purposes: ['case', 'project'],
    operations: [ProvinceJointReviewDocument, ProvinceSubmitApplicationDocument, ProvinceApplicationUpdatedDocument, ProvinceMessageAddedDocument, ProvinceSendMessageDocument].map(textOf),
    ratePerMinute: 120,
  });
  for (const { client } of [bank, province]) {
    print(`registered ${client.id} (${client.name}): region ${client.region}, scopes ${client.scopes.join(' ')}, purposes ${client.purposes.join(', ')}, ${client.operations.length} operation(s), ${client.ratePerMinute}/min`);
  }

  const auditDir = mkdtempSync(join(tmpdir(), 'partner-example-audit-'));
  // The mock departments with the default client settings, whatever this shell's environment says.
  const departmentClients = {} as EmbeddedStackOptions['departmentClients'];
  for (const id of DEPARTMENT_IDS) departmentClients[id] = readDepartmentClientSettings({}, id.toUpperCase(), { timeoutMs: 3000 });
  // The county's own staff sign in through its identity service; here, an issuer made for this run.
  const staffIssuer = await ephemeralIssuer();
  const stack = await startEmbeddedStack({
    departmentClients,
    signIn: { partners: [bank.client, province.client], issuers: [staffIssuer.trusted()] },
    audit: new AuditLog({ dir: auditDir }),
    logger: silentLogger(),
  });
  try {
    print(`gateway on ${stack.gatewayUrl} (embedded stack, ephemeral ports)`);
    const asBank = new CountyGatewayClient({ url: stack.gatewayUrl, apiKey: bank.apiKey, manifest: MANIFEST });
    const asProvince = new CountyGatewayClient({ url: stack.gatewayUrl, apiKey: province.apiKey, manifest: MANIFEST });

    print(`\n[1] ${bank.client.id}: BankEnterpriseCheck, X-Purpose project:${LOAN_PROJECT}`);
    const check = await asBank.execute(BankEnterpriseCheckDocument, { uscc: LOAN_APPLICANT }, `project:${LOAN_PROJECT}`);
    const enterprise = check.data?.enterprise;
    if (!enterprise) throw new Error(`the bank got no enterprise: ${JSON.stringify(check.errors)}`);
    print(`    ${enterprise.name} (${enterprise.uscc}): ${named(REGISTRATION, enterprise.status)}; 经营异常名录 ${enterprise.onAbnormalList ? 'listed' : 'not listed'}`);
    print(`    business licence ${enterprise.businessLicence.number}: signature ${enterprise.businessLicence.verified ? 'verifies' : 'DOES NOT verify'}`);
    print(`    legal representative ${enterprise.legalRepresentative.name}, ID number ${enterprise.legalRepresentative.idNumber} (masked: the bank has no pii:read)`);
    print(`    read from 市场监管局 at ${enterprise.dataAsOf ?? 'unknown'}${check.stale.length ? `, served stale: ${JSON.stringify(check.stale)}` : ''}`);

    print(`\n[2] ${province.client.id}: ProvinceSubmitApplication, X-Purpose project:${ONLINE_APPLICATION_PROJECT}`);
    const input = { project: ONLINE_APPLICATION_PROJECT, stage: ProjectStage.ConstructionPermit, idempotencyKey: randomUUID() };
    const submitted = await asProvince.execute(ProvinceSubmitApplicationDocument, { input }, `project:${ONLINE_APPLICATION_PROJECT}`);
    const application = submitted.data?.submitApplication;
    if (!application) throw new Error(`the application was not submitted: ${JSON.stringify(submitted.errors)}`);
    print(`    application ${application.id} at ${named(STAGE, application.stage)}: ${named(JOINT, application.jointStatus)}, ${application.tasks.length} review tasks`);
    for (const task of application.tasks) print(`      ${task.department}${task.lead ? ' (牵头 lead)' : ''}: ${named(REVIEW, task.status)}, due ${task.deadline}`);
    // The answer may be lost on the way back: the same key makes the retry safe.
    const retried = await asProvince.execute(ProvinceSubmitApplicationDocument, { input }, `project:${ONLINE_APPLICATION_PROJECT}`);
    if (retried.data?.submitApplication.id !== application.id) throw new Error(`a retry with the same idempotency key made another application: ${JSON.stringify(retried)}`);
    print(`    retried with the same idempotency key: the same application ${application.id}, not a second one`);

    print(`\n[3] ${province.client.id}: ProvinceJointReview, X-Purpose ${PROVINCIAL_CASE}`);
    const review = await asProvince.execute(ProvinceJointReviewDocument, { code: ONLINE_APPLICATION_PROJECT }, PROVINCIAL_CASE);
    const project = review.data?.constructionProject;
    if (!project) throw new Error(`the provincial platform got no project: ${JSON.stringify(review.errors)}`);
    print(`    ${project.name} (${project.code}), stage ${named(STAGE, project.stage)}: ${project.jointStatus ? JOINT[project.jointStatus] : 'no application'}`);
    print(`    applicant ${project.applicant ? `${project.applicant.name}: ${named(REGISTRATION, project.applicant.status)}` : 'not available'}`);
    const parcelError = errorAt(review, 'constructionProject', 'parcel');
    if (project.parcel) print(`    parcel ${project.parcel.unitNumber}: ${project.parcel.landUse}`);
    else if (parcelError?.extensions?.code === 'FORBIDDEN') print(`    parcel: not shown, FORBIDDEN (${parcelError.message}); the rest of the answer is served`);
    else throw new Error(`expected the parcel to be FORBIDDEN without land:read, got ${JSON.stringify(review)}`);
    if (!project.applications) print(`    applications: not available (${errorAt(review, 'constructionProject', 'applications')?.message ?? 'the approval system did not answer'})`);
    for (const a of project.applications ?? []) print(`    application ${a.id} ${named(STAGE, a.stage)}: ${named(JOINT, a.jointStatus)}, due ${a.deadline}${a.overdue ? ', OVERDUE' : ''}`);

    print('\n[4] refusals a partner system handles');
    const refusal = async (what: string, call: () => Promise<unknown>, code: string) => {
      try {
        await call();
      } catch (error) {
        if (error instanceof GatewayRefusal && error.code === code) {
          print(`    ${what}: HTTP ${error.status} ${error.code}: ${error.message}`);
          return;
        }
        throw error;
      }
      throw new Error(`${what}: expected ${code}, the gateway answered`);
    };
    await refusal('a purpose that is not an identifier', () => asBank.execute(BankEnterpriseCheckDocument, { uscc: LOAN_APPLICANT }, 'project:loan 2026/11'), 'BAD_REQUEST');
    await refusal('a kind of purpose the bank is not registered for', () => asBank.execute(BankEnterpriseCheckDocument, { uscc: LOAN_APPLICANT }, PROVINCIAL_CASE), 'FORBIDDEN');
    await refusal("the bank runs the province's operation", () => asBank.execute(ProvinceJointReviewDocument, { code: LOAN_PROJECT }, `project:${LOAN_PROJECT}`), 'FORBIDDEN');

    print(`\n[5] ${province.client.id}: follows application ${application.id} live, X-Purpose case:${application.id}`);
    const purpose = `case:${application.id}` as const;
    // The application's changes over a WebSocket, its messages over an event stream: either transport carries either.
    const overWebSocket = webSocketSubscriptions({ url: stack.gatewayUrl, apiKey: province.apiKey, manifest: MANIFEST, purpose });
    const overEventStream = eventStreamSubscriptions({ url: stack.gatewayUrl, apiKey: province.apiKey, manifest: MANIFEST, purpose });
    const updates: SubscriptionEvent<ProvinceApplicationUpdatedSubscription>[] = [];
    const messages: SubscriptionEvent<ProvinceMessageAddedSubscription>[] = [];
    const failures: unknown[] = [];
    try {
      overWebSocket.subscribe(ProvinceApplicationUpdatedDocument, { id: application.id }, { next: (e) => updates.push(e), error: (e) => failures.push(e) });
      overEventStream.subscribe(ProvinceMessageAddedDocument, { applicationId: application.id }, { next: (e) => messages.push(e), error: (e) => failures.push(e) });
      const live = () => {
        if (failures.length) throw new Error(`a subscription ended: ${JSON.stringify(failures)}`);
      };
      // Both are open at the approval system before anything happens there (its /status counts them).
      await waitFor(async () => (live(), ((await (await fetch(new URL('/status', stack.subgraphUrls.approval))).json()) as { subscriptions?: number }).subscriptions === 2), 'both subscriptions open');
      print('    subscribed: applicationUpdated over WebSocket (graphql-ws), messageAdded over SSE (graphql-sse)');

      // 住建局's reviewer, at the county's desk: asks for a material again and says why on the case.
      const reviewer = staffMember('zjj-reviewer-1')!;
      const asReviewer = staffCaller(stack.gatewayUrl, await staffIssuer.token({ sub: reviewer.id, name: reviewer.name, org: reviewer.department, region: reviewer.region, scope: reviewer.scopes.join(' ') }));
      const { application: forReview } = await asReviewer<{ application: { tasks: { id: string; departmentCode: string; checklist: { material: { name: string } }[] }[] } }>(
        'query ReviewerChecklist($id: ID!) { application(id: $id) { tasks { id departmentCode checklist { material { name } } } } }',
        { id: application.id },
      );
      const task = forReview.tasks.find((t) => t.departmentCode === reviewer.departmentCode)!;
      const material = task.checklist[0]!.material.name;
      await asReviewer('mutation ReviewerRequestCorrections($t: ID!, $c: [String!]) { recordReviewOpinion(taskId: $t, decision: REQUEST_CORRECTIONS, opinion: "总平面图比例不符，请重新提交", corrections: $c) { id } }', { t: task.id, c: [material] });
      await asReviewer('mutation ReviewerMessage($a: ID!, $b: String!) { sendMessage(applicationId: $a, body: $b) { id } }', { a: application.id, b: `请补正「${material}」：比例应为 1:500。` });

      await waitFor(async () => (live(), updates.some((u) => u.data?.applicationUpdated.tasks.some((t) => t.status === 'CORRECTIONS_REQUESTED')) && messages.length >= 1), 'the correction request and the message, live');
      const asked = updates.find((u) => u.data?.applicationUpdated.tasks.some((t) => t.status === 'CORRECTIONS_REQUESTED'))!;
      for (const t of asked.data!.applicationUpdated.tasks.filter((x) => x.status === 'CORRECTIONS_REQUESTED')) {
        print(`    received applicationUpdated (event ${asked.eventId}): ${t.department} ${named(REVIEW, t.status)}: ${t.opinion ?? ''}; asks for ${t.corrections.join(', ')}`);
      }
      print(`    now ${named(JOINT, asked.data!.applicationUpdated.jointStatus)}; corrections can be handed in: ${asked.data!.applicationUpdated.canResubmitCorrections ? 'yes' : 'no'}`);
      const question = messages[0]!.data!.messageAdded;
      print(`    received messageAdded (event ${messages[0]!.eventId}): ${question.role} ${question.department ?? ''}: ${question.body}`);

      const reply = await asProvince.execute(ProvinceSendMessageDocument, { applicationId: application.id, body: '收到，已按 1:500 重新出图，今日补交。' }, purpose);
      const sent = reply.data?.sendMessage;
      if (!sent) throw new Error(`the reply was not sent: ${JSON.stringify(reply.errors)}`);
      print(`    replied with ProvinceSendMessage: message ${sent.id} as ${sent.role}`);
      await waitFor(async () => (live(), messages.some((m) => m.data?.messageAdded.id === sent.id)), 'the reply on the thread, live');
      print(`    received live: ${updates.length} applicationUpdated over WebSocket, ${messages.length} messageAdded over SSE (the reviewer's and its own reply)`);
    } finally {
      await Promise.all([overWebSocket.close(), overEventStream.close()]);
    }

    print('\naudit trail (what the county can answer: who looked, at what, why)');
    for (const record of readRecords(auditDir)) {
      const entities = Object.entries(record.entities as Record<string, string[]>).map(([type, keys]) => `${type} ${keys.length > 3 ? `${keys.slice(0, 2).join(' ')} …${keys.length - 2} more` : keys.join(' ')}`);
      print(`    ${record.subject} ${record.purpose} ${record.operationName}: ${entities.join('; ') || '(no entities)'} [${record.outcome}]`);
    }
    print('\ndone: every step behaved as docs/partners.md says.');
  } finally {
    await stack.stop();
    rmSync(auditDir, { recursive: true, force: true });
  }
}

/** Polls `ready` until it holds, for at most 10 s: the example waits on what happened, never for a fixed time. */
async function waitFor(ready: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await ready())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A county staff member's calls (a bearer token, no registered operations): the other side of the case. */
function staffCaller(url: string, token: string) {
  return async <T = unknown>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (!response.ok || body.errors?.length || !body.data) throw new Error(`the reviewer's call failed: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

if (require.main === module) {
  runPartnerExample().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`partner example failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
