/**
 * Policies no query shape can get around. For a set of operations over the real
 * supergraph, every equivalent shape (test/helpers/equivalent-shapes.ts: named and nested
 * fragments, inline fragments, repeated fields, aliases, literal and variable
 * conditions, skipped personal data and keys beside the real fields) must
 * - normalize to the same operation, which is all any policy reads; and
 * - get, end to end, the same answer byte for byte (the same limit verdict, the same
 *   fields cut, the same values masked) and the same audit record (the same entities,
 *   the same fields unmasked).
 * Then the reproductions of the holes this closed, each as it was found.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print } from 'graphql';
import { AuditLog } from '../../gateway/audit/log';
import { readRecords } from '../../gateway/audit/verify';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { OperationNormalizer } from '../../gateway/operation/normalize';
import { loadSupergraph } from '../../gateway/supergraph';
import { DEPARTMENT_IDS } from '../../stack/embedded-stack';
import { equivalentShapes } from '../helpers/equivalent-shapes';
import { ALL_SCOPES } from '../helpers/issuer';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

const api = loadSupergraph(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')).apiSchema;
const auditDir = mkdtempSync(join(tmpdir(), 'audit-'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let stack: TestStack;
let bases: { name: string; query: string; variables: Record<string, unknown> }[];
const callers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  stack = await startTestStack({ audit: new AuditLog({ dir: auditDir }) });
  const { county } = stack.departments;
  const project = county.projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT' && p.participants.length === 4)!;
  let deep = 'name';
  for (let i = 0; i < 7; i++) deep = `projects { applicant { ${deep} } }`;
  bases = [
    {
      name: 'an enterprise page with personal data, its projects and their parcels',
      query: `query Page($region: String!) { enterprises(regionCode: $region, first: 5) { totalCount nodes { uscc name legalRepresentative { name idNumber mobile } projects { code name parcel { unitNumber rightHolder { uscc name } } } } } }`,
      variables: { region: '522633' },
    },
    { name: 'the joint review', query: operation('JointReview'), variables: { code: project.code } },
    {
      name: 'the pre-filled checklist',
      query: operation('MaterialChecklist'),
      variables: { itemCode: '000133001000', answers: [{ question: 'scale', value: 'ABOVE' }, { question: 'investor', value: 'ENTERPRISE' }], applicant: project.applicantUscc, project: project.code },
    },
    {
      name: 'a project list with applicants, applications and tasks',
      query: `{ constructionProjects(first: 10) { nodes { code applicant { uscc legalRepresentative { idNumber } } applications { id jointStatus tasks { department status } } } } }`,
      variables: {},
    },
    {
      // 待我审查: the reviewer's way to applications, their applicants' personal data and projects, not through a list of projects.
      name: 'the review queue with applications and applicants',
      query: `{ reviewQueue(first: 5) { totalCount overdueCount tasks { id status application { id jointStatus applicant { uscc name legalRepresentative { name idNumber } } project { code name } } } } }`,
      variables: {},
    },
    {
      // 办件留言: threads with their authors' names (personal data) and the messages as entities of their own.
      name: 'application threads with their authors',
      query: `{ applications(jointStatus: AWAITING_CORRECTIONS, first: 10) { nodes { id messages { id role authorName departmentCode body material { name } } } } }`,
      variables: {},
    },
    { name: 'an operation nested too deep', query: `query Deep($u: ID!) { enterprise(uscc: $u) { ${deep} } }`, variables: { u: project.applicantUscc } },
    {
      name: 'an operation with too many aliases',
      query: `query Aliases($u: ID!) { enterprise(uscc: $u) { ${Array.from({ length: 31 }, (_, i) => `a${i}: name`).join(' ')} } }`,
      variables: { u: project.applicantUscc },
    },
    { name: 'an operation that costs too much', query: `{ constructionProjects(first: 100) { nodes { participants { enterprise { projects { applications { tasks { id } } } } } } } }`, variables: {} },
  ];
  // No pii:read and no land:read: masked values and cut fields both show.
  const restricted = await stack.issuer.token({ sub: 'clerk-shapes', org: '522633-zwzx', region: '522633', scope: 'enterprise:read construction:read approval:read' });
  const entitled = await stack.issuer.token({ sub: 'auditor-shapes', org: '522633-zwzx', region: '522633', scope: ALL_SCOPES.join(' ') });
  callers['a clerk without pii:read or land:read'] = { authorization: `Bearer ${restricted}` };
  callers['a caller entitled to personal data, with a purpose'] = { authorization: `Bearer ${entitled}`, 'x-purpose': 'case:GC202612020001' };
});
afterAll(() => stack.stop());

/** The answer as bytes, and the audit record it left (who and when aside). */
async function ask(headers: Record<string, string>, query: string, variables: Record<string, unknown>) {
  const requestId = randomUUID();
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.text();
  const record = readRecords(auditDir).find((r) => r.requestId === requestId);
  return { status: response.status, body, audit: record && { entities: record.entities, unmasked: record.unmasked, outcome: record.outcome } };
}

describe('every equivalent shape normalizes to the one operation the policies read', () => {
  it.each(['enterprise', 'joint', 'checklist', 'list', 'queue', 'thread', 'deep', 'aliases', 'cost'])('%s', (which) => {
    const base = bases.find((b) =>
      b.name.includes({ enterprise: 'enterprise page', joint: 'joint review', checklist: 'checklist', list: 'project list', queue: 'review queue', thread: 'threads', deep: 'too deep', aliases: 'aliases', cost: 'costs' }[which]!),
    )!;
    const normalizer = new OperationNormalizer(api, { maxSelections: 10_000 });
    const normalized = (query: string, variables: Record<string, unknown>) => {
      const form = normalizer.normalize(parse(query), sha256(query), undefined, variables);
      return print(form.definition.selectionSet);
    };
    const expected = normalized(base.query, base.variables);
    const shapes = equivalentShapes(api, base.query, base.variables);
    expect(shapes.length).toBeGreaterThanOrEqual(10);
    for (const shape of shapes) expect([shape.name, normalized(shape.query, shape.variables)]).toEqual([shape.name, expected]);
  });
});

describe('every equivalent shape gets the same answer and the same audit record, end to end', () => {
  const cases = () => bases.flatMap((base) => Object.keys(callers).map((caller) => [base.name, caller] as const));
  it('covers every base operation for every caller', () => {
    expect(cases()).toHaveLength(18);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('base operation %i, each caller', async (index) => {
    const base = bases[index]!;
    const answers = [];
    for (const [callerName, headers] of Object.entries(callers)) {
      const expected = await ask(headers, base.query, base.variables);
      answers.push(expected);
      for (const shape of equivalentShapes(api, base.query, base.variables)) {
        const got = await ask(headers, shape.query, shape.variables);
        expect({ caller: callerName, shape: shape.name, ...got }).toEqual({ caller: callerName, shape: shape.name, ...expected });
      }
    }
    // The comparisons are not between empty answers: data and a record for someone, or a refusal for everyone.
    if (index <= 5) expect(answers.some((a) => a.status === 200 && Object.keys(a.audit?.entities ?? {}).length > 0)).toBe(true);
    else expect(answers.map((a) => a.status)).toEqual([400, 400]);
    // The threads' authors: masked for the clerk, shown (and recorded as shown) for the entitled caller.
    if (base.name.includes('threads')) {
      expect(answers.map((a) => a.audit?.unmasked)).toEqual([[], ['CaseMessage.authorName']]);
      expect(answers.every((a) => (a.audit?.entities.CaseMessage ?? []).length > 0)).toBe(true);
    }
  });
});

describe('the holes as they were found', () => {
  const restricted = () => callers['a clerk without pii:read or land:read']!;
  const departmentRequests = () => DEPARTMENT_IDS.reduce((sum, id) => sum + stack.requests(id).length, 0);

  it('a named fragment no longer unmasks personal data, and the audit says nothing was unmasked', async () => {
    const { county } = stack.departments;
    const { status, body, audit } = await ask(
      restricted(),
      `{ enterprises(regionCode: "522633", first: 100) { nodes { ...E } } } fragment E on Enterprise { legalRepresentative { name idNumber mobile } }`,
      {},
    );
    expect(status).toBe(200);
    const nodes = JSON.parse(body).data.enterprises.nodes as { legalRepresentative: { idNumber: string; mobile: string } }[];
    expect(nodes).toHaveLength(100);
    for (const { legalRepresentative } of nodes) {
      expect(legalRepresentative.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(legalRepresentative.mobile).toMatch(/^1\d{2}\*{4}\d{4}$/);
    }
    expect(county.enterprises.some((e) => body.includes(e.legalRepresentative.idNumber))).toBe(false);
    expect(audit).toMatchObject({ unmasked: [] });
    expect(audit!.entities.Enterprise).toHaveLength(100);
  });

  it('a 40-hop fragment is refused before any department is asked', async () => {
    let hops = 'uscc';
    for (let i = 0; i < 40; i++) hops = `projects { applicant { ${hops} } }`;
    await stack.resetCounts();
    const { status, body } = await ask(restricted(), `query($u: ID!) { enterprise(uscc: $u) { ...F } } fragment F on Enterprise { ${hops} }`, { u: stack.departments.county.projects[0]!.applicantUscc });
    expect(status).toBe(400);
    expect(JSON.parse(body).errors[0].message).toMatch(/levels deep; at most 12/);
    expect(departmentRequests()).toBe(0);
  });

  it('fifty aliases inside a fragment are refused like fifty plain ones, and nothing is fetched', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: projects { code }`).join(' ');
    await stack.resetCounts();
    const { status, body } = await ask(restricted(), `query($u: ID!) { enterprise(uscc: $u) { ...F } } fragment F on Enterprise { ${aliases} }`, { u: stack.departments.county.projects[0]!.applicantUscc });
    expect(status).toBe(400);
    expect(JSON.parse(body).errors[0].message).toMatch(/uses 50 aliases; at most 30/);
    expect(departmentRequests()).toBe(0);
  });

  it('records only what the answer shows: an applicant withheld from a town’s user is not on its record', async () => {
    const { county } = stack.departments;
    const town = county.towns[0]!.code;
    const project = county.projects.find((p) => p.townCode === town && county.enterprises.some((e) => e.uscc === p.applicantUscc && !e.regionCode.startsWith(town.slice(0, 9))))!;
    const token = await stack.issuer.token({ sub: 'town-shapes', org: `${town}-zf`, region: town, scope: 'enterprise:read construction:read' });
    const { body, audit } = await ask({ authorization: `Bearer ${token}` }, `query($c: ID!) { constructionProject(code: $c) { code applicant { name } } }`, { c: project.code });
    expect(JSON.parse(body).data.constructionProject).toEqual({ code: project.code, applicant: null });
    expect(audit!.entities).toEqual({ ConstructionProject: [project.code] });
  });

  it('an alias beginning with __ is refused, so no alias can stand in for the gateway’s own', async () => {
    const { status, body } = await ask(restricted(), `query($c: ID!) { constructionProject(code: $c) { __proto__: name } }`, { c: stack.departments.county.projects[0]!.code });
    expect(status).toBe(400);
    expect(JSON.parse(body).errors[0].message).toMatch(/names beginning with "__" are reserved/);
  });

  it('a key that is skipped still leaves the entity on the record, with and without pii:read', async () => {
    const uscc = stack.departments.county.projects[0]!.applicantUscc;
    const query = `query($u: ID!) { enterprise(uscc: $u) { uscc @skip(if: true) name legalRepresentative { idNumber } } }`;
    for (const headers of Object.values(callers)) {
      const { body, audit } = await ask(headers, query, { u: uscc });
      expect(JSON.parse(body).data.enterprise).not.toHaveProperty('uscc');
      expect(body).not.toMatch(/__auditKey/);
      expect(audit!.entities).toEqual({ Enterprise: [uscc] });
    }
  });
});
