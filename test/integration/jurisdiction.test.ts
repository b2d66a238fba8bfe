/**
 * Jurisdiction by construction, proven from the schema: every field that can return a
 * record carrying a region (a type with a `region: Region` field, or a connection of
 * them) is found in the served supergraph, so a field added later is covered without
 * touching this file. For each, routes from the root to it are generated; a county
 * caller shows that the route reaches another town's record (so the check can fail),
 * and a town caller on the same route must get none, with the departments asked (the
 * record was looked up and withheld, not guessed at). Writes on another town's records
 * are refused exactly as writes on unknown ones, and nothing is written.
 */
import { readFileSync } from 'node:fs';
import {
  getNamedType,
  isObjectType,
  isNonNullType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { loadSupergraph } from '../../gateway/supergraph';
import { isWithin } from '../../domain/regions';
import { ALL_SCOPES } from '../helpers/issuer';
import { startTestStack, type GraphQLResponse, type TestStack } from '../helpers/stack';
import { DEPARTMENT_IDS } from '../../stack/embedded-stack';
import { seededMessages } from '../../mocks/approval/history';

const api = loadSupergraph(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')).apiSchema;
const READ_SCOPES = ALL_SCOPES.filter((s) => s !== 'pii:read');

const objectTypes = Object.values(api.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));
const roots = new Set([api.getQueryType(), api.getMutationType(), api.getSubscriptionType()]);
const regionBearing = new Set(objectTypes.filter((t) => !roots.has(t) && t.getFields().region && getNamedType(t.getFields().region!.type).name === 'Region').map((t) => t.name));

/** What to select below a field of this type to read the regions of what it returns, if it returns region-bearing records. */
function regionSelection(type: GraphQLNamedType): string | undefined {
  if (regionBearing.has(type.name)) return 'region { code }';
  if (isObjectType(type) && type.getFields().nodes && regionBearing.has(getNamedType(type.getFields().nodes!.type).name)) return 'nodes { region { code } }';
  return undefined;
}

/** Every field that can hand out a region-bearing record, from the schema. */
const exposing = objectTypes.flatMap((parent) =>
  Object.values(parent.getFields())
    .filter((field) => regionSelection(getNamedType(field.type)) !== undefined)
    .map((field) => ({ parent, field, coordinate: `${parent.name}.${field.name}` })),
);

let stack: TestStack;
let town: string;
let townToken: string;
let countyToken: string;
/** Arguments for root fields: lists scoped to the caller, lookups aimed at another town's records. */
let rootArguments: Record<string, string>;
let writes: Record<string, { query: string; unknown: string }>;

beforeAll(async () => {
  stack = await startTestStack();
  const { county } = stack.departments;
  town = county.towns[0]!.code;
  const outside = (code: string) => !isWithin(code, town);
  const project = county.projects.find((p) => outside(p.townCode) && county.enterprises.some((e) => e.uscc === p.applicantUscc))!;
  const enterprise = county.enterprises.find((e) => outside(e.regionCode))!;
  const parcel = county.parcels.find((p) => outside(p.townCode))!;
  // An application with a message thread (its newest, the one open at the project's stage), so routes through CaseMessage reach it too.
  const threaded = new Set(seededMessages(county).map((m) => m.projectCode));
  const application = county.projects.find((p) => outside(p.townCode) && threaded.has(p.code))!;
  const applicationId = ((await stack.query(`query($c: ID!) { constructionProject(code: $c) { applications { id tasks { id } } } }`, { c: application.code })).data as any)
    .constructionProject.applications[0];
  const scopes = READ_SCOPES.join(' ');
  townToken = await stack.issuer.token({ sub: 'town-staff', org: `${town}-zf`, region: town, scope: scopes });
  countyToken = await stack.issuer.token({ sub: 'county-staff', org: '522633-zwzx', region: '522633', scope: scopes });
  rootArguments = {
    'Query.constructionProject': `code: "${project.code}"`,
    'Query.constructionProjects': 'first: 100',
    'Query.enterprise': `uscc: "${enterprise.uscc}"`,
    'Query.enterprises': 'regionCode: "522633", first: 100',
    'Query.parcel': `unitNumber: "${parcel.unitNumber}"`,
    'Query.application': `id: "${applicationId.id}"`,
    'Query.applications': 'first: 100',
    'Query.materialChecklist': `itemCode: "000133001000", answers: [{ question: "scale", value: "ABOVE" }, { question: "investor", value: "ENTERPRISE" }], applicant: "${enterprise.uscc}", project: "${project.code}"`,
  };
  const mine = county.projects.find((p) => p.townCode === town)!;
  writes = {
    'Mutation.submitApplication': {
      query: `mutation { submitApplication(input: { project: "${project.code}", stage: ${project.stage}, idempotencyKey: "jurisdiction-1" }) { id } }`,
      unknown: `mutation { submitApplication(input: { project: "2409-522633-89-01-000001", stage: ${mine.stage}, idempotencyKey: "jurisdiction-2" }) { id } }`,
    },
    'Mutation.recordReviewOpinion': {
      query: `mutation { recordReviewOpinion(taskId: "${applicationId.tasks[0].id}", decision: ACCEPT, opinion: "受理") { id } }`,
      unknown: `mutation { recordReviewOpinion(taskId: "SQ20260101099999-1", decision: ACCEPT, opinion: "受理") { id } }`,
    },
    'Mutation.resubmitCorrections': {
      query: `mutation { resubmitCorrections(applicationId: "${applicationId.id}", materials: ["x"]) { id } }`,
      unknown: `mutation { resubmitCorrections(applicationId: "SQ20260101099999", materials: ["x"]) { id } }`,
    },
  };
});
afterAll(() => stack.stop());

const as = (token: string, query: string) => stack.queryWith({ authorization: `Bearer ${token}` }, query);

/** A path from a root field to `parent`: field steps, the root's arguments first. */
interface Route {
  steps: string[];
}

/** Routes to instances of `parent` (at most 3 steps), from each root field with arguments. */
function routesTo(parent: GraphQLObjectType): Route[] {
  const routes: Route[] = [];
  const walk = (type: GraphQLObjectType, steps: string[], seen: Set<string>) => {
    if (type === parent && steps.length > 0) routes.push({ steps });
    if (steps.length >= 3) return;
    for (const field of Object.values(type.getFields())) {
      const child = getNamedType(field.type);
      if (!isObjectType(child) || seen.has(child.name)) continue;
      const step = steps.length === 0 ? rootStep(type, field) : childStep(field);
      if (step === undefined) continue;
      walk(child, [...steps, step], new Set([...seen, child.name]));
    }
  };
  walk(api.getQueryType()!, [], new Set());
  return routes;
}

function rootStep(root: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string | undefined {
  const args = rootArguments[`${root.name}.${field.name}`];
  if (args !== undefined) return `${field.name}(${args})`;
  return field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined) ? undefined : field.name;
}

const childStep = (field: GraphQLField<unknown, unknown>) => (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined) ? undefined : field.name);

const queryFor = (steps: string[], leaf: string) => `{ ${steps.reduceRight((inner, step) => `${step} { ${inner} }`, leaf)} }`;

/** Every region code under `region { code }` in a response. */
function regionCodes(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) regionCodes(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'region' && v && typeof v === 'object' && 'code' in v) out.push(String((v as { code: unknown }).code));
      else regionCodes(v, out);
    }
  }
  return out;
}

const departmentRequests = () => DEPARTMENT_IDS.reduce((sum, id) => sum + stack.requests(id).length, 0);

describe('no path through the graph reaches another town’s record', () => {
  it('finds the region-bearing types and the fields that expose them in the supergraph', () => {
    expect([...regionBearing].sort()).toEqual(['Application', 'ConstructionProject', 'Enterprise', 'Parcel']);
    // Reads and writes; the exact list grows with the schema, the test with it.
    expect(exposing.length).toBeGreaterThanOrEqual(15);
  });


  // Subscriptions are answered over sockets, event by event: test/integration/subscriptions.test.ts shows an event
  // outside the caller's region never sent; what an event's fields lead to is walked here as the queries they are.
  it.each(exposing.filter(({ parent }) => parent.name !== 'Mutation' && parent.name !== 'Subscription').map((e) => [e.coordinate]))('%s', async (coordinate) => {
    const { parent, field } = exposing.find((e) => e.coordinate === coordinate)!;
    const leaf = `${field.name} { ${regionSelection(getNamedType(field.type))} }`;
    const routes: string[][] =
      parent === api.getQueryType()
        ? [[]]
        : routesTo(parent)
            .map((r) => r.steps)
            .sort((a, b) => a.length - b.length);
    expect(routes.length).toBeGreaterThan(0);
    const tried: string[] = [];
    for (const steps of routes) {
      const rootLeaf = steps.length === 0 ? `${rootStep(parent, field) ?? field.name} { ${regionSelection(getNamedType(field.type))} }` : leaf;
      if (steps.length === 0 && rootStep(parent, field) === undefined) throw new Error(`no arguments for ${coordinate}: add them to rootArguments`);
      const query = queryFor(steps, rootLeaf);
      const county = await as(countyToken, query);
      // The route must reach another town's record for a county-wide caller, or it proves nothing.
      if (!regionCodes(county.data).some((code) => !isWithin(code, town))) {
        tried.push(query);
        continue;
      }
      await stack.resetCounts();
      const townAnswer: GraphQLResponse = await as(townToken, query);
      expect(townAnswer.errors).toBeUndefined();
      const codes = regionCodes(townAnswer.data);
      expect(codes.filter((code) => !isWithin(code, town))).toEqual([]);
      // Looked up and withheld: the departments were asked, the record did not go out.
      expect(departmentRequests()).toBeGreaterThan(0);
      return;
    }
    throw new Error(`no route reaches another town's record through ${coordinate} for a county caller; tried:\n${tried.join('\n')}`);
  });

  it.each(exposing.filter(({ parent }) => parent.name === 'Mutation').map((e) => [e.coordinate]))('%s on another town’s record is refused as on an unknown one, and nothing is written', async (coordinate) => {
    const write = writes[coordinate];
    if (!write) throw new Error(`no attack for ${coordinate}: add one to writes`);
    const token = await stack.issuer.token({ sub: 'town-clerk', org: `${town}-zf`, region: town, scope: ALL_SCOPES.join(' ') });
    await stack.resetCounts();
    const refused = await as(token, write.query);
    const written = stack.requests('approval').filter((r) => r.method === 'POST' && !r.path.endsWith('/batch') && !r.path.endsWith('/by-project'));
    const unknown = await as(token, write.unknown);
    expect(refused.data).toBeNull();
    expect(refused.errors!.map((e) => e.extensions!.code)).toEqual(unknown.errors!.map((e) => e.extensions!.code));
    expect(refused.errors![0]!.message.replace(/"[^"]*"|\S*\d{4,}\S*/g, '…')).toBe(unknown.errors![0]!.message.replace(/"[^"]*"|\S*\d{4,}\S*/g, '…'));
    expect(written).toEqual([]);
  });
});

describe('the paths as they were found', () => {
  it('the checklist hands another town’s project and applicant to nobody, and their parcel is never asked for', async () => {
    const { county } = stack.departments;
    const project = county.projects.find((p) => !isWithin(p.townCode, town) && county.enterprises.find((e) => e.uscc === p.applicantUscc && !isWithin(e.regionCode, town)))!;
    const query = `query($p: ID!, $a: ID!) { materialChecklist(itemCode: "000133001000", answers: [{ question: "scale", value: "ABOVE" }, { question: "investor", value: "ENTERPRISE" }], applicant: $a, project: $p) {
      status project { code name townCode parcel { unitNumber rightHolder { name } } } applicant { uscc name } } }`;
    const variables = { p: project.code, a: project.applicantUscc };
    // County-wide, the same question reaches both records.
    const wide = await stack.queryWith({ authorization: `Bearer ${countyToken}` }, query, variables);
    expect(wide.data.materialChecklist[0].project.code).toBe(project.code);
    await stack.resetCounts();
    const { data, errors } = await stack.queryWith({ authorization: `Bearer ${townToken}` }, query, variables);
    expect(errors).toBeUndefined();
    for (const entry of data.materialChecklist) expect([entry.project, entry.applicant]).toEqual([null, null]);
    // Looked up where the records leave 住建局's and 市场监管局's clients, and withheld there: nothing reached 自然资源局.
    expect(stack.requests('construction').length).toBeGreaterThan(0);
    expect(stack.requests('enterprise').length).toBeGreaterThan(0);
    expect(stack.requests('land')).toHaveLength(0);
  });

  it('a town’s projects lead to their applicants’ projects in that town only', async () => {
    // The town's own projects, for both callers: only what lies beyond them differs.
    const query = `{ constructionProjects(first: 100, townCode: "${town}") { nodes { applicant { projects { code townCode } } } } }`;
    const towns = (data: any) => data.constructionProjects.nodes.flatMap((n: any) => n.applicant?.projects ?? []).map((p: any) => p.townCode as string);
    const asCounty = towns((await stack.queryWith({ authorization: `Bearer ${countyToken}` }, query)).data);
    expect(asCounty.filter((code: string) => !isWithin(code, town)).length).toBeGreaterThan(0);
    const asTown = towns((await stack.queryWith({ authorization: `Bearer ${townToken}` }, query)).data);
    expect(asTown.length).toBeGreaterThan(0);
    expect(asTown.filter((code: string) => !isWithin(code, town))).toEqual([]);
  });
});
