/**
 * Every example the README gives, run as written against a real stack: the identifiers are
 * read from the README itself, so an example that stops holding (after a change to the
 * generator or the approval system's history) fails here, not in front of a county clerk.
 * county-data.test.ts holds the "try code" table to the generator; this holds what the
 * README says each example returns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
// The day after the data set's: applications are listed as a clerk would see them today.
const TODAY = new Date('2026-12-02T02:00:00Z');

/** The one match of `pattern` in the README, or the test fails naming what it looked for. */
function readme(pattern: RegExp): RegExpMatchArray {
  const found = README.match(pattern);
  if (!found) throw new Error(`README: no example matching ${pattern}`);
  return found;
}
const rows = (pattern: RegExp) => [...README.matchAll(pattern)];

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ approvalClock: () => TODAY });
});
afterAll(() => stack.stop());

const STAGES: Record<string, string> = {
  立项用地规划许可: 'PROJECT_LAND_PLANNING',
  工程建设许可: 'ENGINEERING_PERMIT',
  施工许可: 'CONSTRUCTION_PERMIT',
  竣工验收: 'COMPLETION_ACCEPTANCE',
};

describe('the joint-review example and its table of projects to try', () => {
  const PROJECT = `query($code: ID!) { constructionProject(code: $code) {
    code stage jointStatus constructionPermitRequired drawingReview { result }
    applicant { status abnormalRecords { removedOn } }
    parcel { landUseRight { expired } landPlanningPermit { number } }
    constructionPermit { number verified }
    participants { role }
  } }`;

  /** What a row of the table may claim, and how to see it in the answer. */
  const CLAIMS: [RegExp, (p: any, m: RegExpMatchArray) => unknown, (m: RegExpMatchArray) => unknown][] = [
    [/^(立项用地规划许可|工程建设许可|施工许可|竣工验收) stage/, (p) => p.stage, (m) => STAGES[m[1]!]],
    [/land planning permit issued/, (p) => p.parcel.landPlanningPermit !== null, () => true],
    [/no planning permit yet/, (p) => p.parcel.landPlanningPermit, () => null],
    [/drawing review passed/, (p) => p.drawingReview?.result, () => 'PASSED'],
    [/four participating units/, (p) => p.participants.length, () => 4],
    [/construction permit issued/, (p) => p.constructionPermit !== null, () => true],
    [/`jointStatus: (\w+)`/, (p) => p.jointStatus, (m) => m[1]],
    [/`status: REVOKED`/, (p) => p.applicant.status, () => 'REVOKED'],
    [/abnormal-operations list/, (p) => p.applicant.abnormalRecords.some((r: any) => r.removedOn === null), () => true],
    [/land-use right has expired/, (p) => p.parcel.landUseRight.expired, () => true],
    [/`constructionPermitRequired: false`/, (p) => p.constructionPermitRequired, () => false],
    [/`constructionPermit \{ verified \}` is `false`/, (p) => p.constructionPermit?.verified, () => false],
  ];
  const table = rows(/^\| `(\d{4}-522633-\d{2}-\d{2}-\d{6})` \| (.+) \|$/gm).map((m) => [m[1]!, m[2]!] as const);

  it('has the table', () => {
    expect(table.length).toBe(9);
  });

  it.each(table)('%s: %s', async (code, says) => {
    const { data, errors } = await stack.query(PROJECT, { code });
    expect(errors).toBeUndefined();
    const project = data.constructionProject;
    expect(project).not.toBeNull();
    const claimed = CLAIMS.flatMap(([pattern, seen, expected]) => {
      const m = says.match(pattern);
      return m ? [{ claim: m[0], seen: seen(project, m), expected: expected(m) }] : [];
    });
    // Every row says something this test checks.
    expect(claimed.length).toBeGreaterThan(0);
    for (const c of claimed) expect({ claim: c.claim, value: c.seen }).toEqual({ claim: c.claim, value: c.expected });
  });

  it('runs the curl example as written', async () => {
    const variables = JSON.parse(readme(/"variables": (\{ "code": "[^"]+" \})/)[1]!);
    const { data, errors } = await stack.query(operation('JointReview'), variables);
    expect(errors).toBeUndefined();
    expect(data.constructionProject).toMatchObject({ code: variables.code, stage: 'CONSTRUCTION_PERMIT' });
    expect(data.constructionProject.participants).toHaveLength(4);
  });
});

describe('the other examples', () => {
  it('dashboard list: the projects of the stage in the town', async () => {
    const [args, stage, townCode] = readme(/`constructionProjects\((first: 50, stage: (\w+), townCode: "(\d{12})")\)`/).slice(1);
    const { data, errors } = await stack.query(`{ constructionProjects(${args}) { totalCount nodes { stage townCode } pageInfo { hasNextPage endCursor } } }`);
    expect(errors).toBeUndefined();
    expect(data.constructionProjects.nodes.length).toBeGreaterThan(0);
    expect(data.constructionProjects.nodes.every((n: any) => n.stage === stage && n.townCode === townCode)).toBe(true);
  });

  it('enterprise with its projects, money with two decimals', async () => {
    const uscc = readme(/EnterpriseProfile\.graphql\)\s+with `uscc: "([0-9A-Z]{18})"`/)[1]!;
    const { data, errors } = await stack.query(operation('EnterpriseProfile'), { uscc });
    expect(errors).toBeUndefined();
    expect(data.enterprise).toMatchObject({ uscc, currency: '人民币' });
    expect(data.enterprise.projects.length).toBeGreaterThan(0);
    expect(Number(data.enterprise.registeredCapital.toFixed(2))).toBe(data.enterprise.registeredCapital);
  });

  it('parcel', async () => {
    const unitNumber = readme(/Parcel\.graphql\) with\s+`unitNumber: "(\w{28})"`/)[1]!;
    const { data, errors } = await stack.query(operation('Parcel'), { unitNumber });
    expect(errors).toBeUndefined();
    expect(data.parcel).toMatchObject({ unitNumber });
  });

  it('service guide: the answers pick one case', async () => {
    const variables = JSON.parse(readme(/\*\*Guide for a case\*\*[\s\S]*?```json\n([\s\S]*?)\n```/)[1]!);
    const { data, errors } = await stack.query(operation('ServiceGuide'), variables);
    expect(errors).toBeUndefined();
    expect(data.serviceGuide.case.materials.length).toBeGreaterThan(0);
  });

  const checklist = () => JSON.parse(readme(/\*\*Pre-filled checklist[\s\S]*?```json\n([\s\S]*?)\n```/)[1]!);

  it('pre-filled checklist: what the departments hold comes back SHARED', async () => {
    const variables = checklist();
    const { data, errors } = await stack.query(operation('MaterialChecklist'), variables);
    expect(errors).toBeUndefined();
    const status = Object.fromEntries(data.materialChecklist.map((e: any) => [e.material.name, e.status]));
    expect(status).toMatchObject({ 营业执照: 'SHARED', '不动产权证书（国有土地使用证）': 'SHARED', 建设工程规划许可证: 'SHARED', 施工图审查合格书: 'SHARED' });
    expect(Object.values(status)).not.toContain('BLOCKED');
  });

  const blockedRows = rows(/^\| `([0-9A-Z]{18})` \| `(\d{4}-522633-\d{2}-\d{2}-\d{6})` \| ([^:|]+): ([^|]+) \|$/gm).map((m) => [m[1]!, m[2]!, m[3]!, m[4]!.trim()] as const);

  it('has the BLOCKED examples, each with its project’s own applicant', () => {
    expect(blockedRows.length).toBe(4);
    for (const [applicant, project] of blockedRows) {
      expect(stack.departments.county.projects.find((p) => p.code === project)?.applicantUscc).toBe(applicant);
    }
  });

  it.each(blockedRows)('checklist for %s on %s: %s BLOCKED (%s)', async (applicant, project, material) => {
    const { data, errors } = await stack.query(operation('MaterialChecklist'), { ...checklist(), applicant, project });
    expect(errors).toBeUndefined();
    const blocked = data.materialChecklist.filter((e: any) => e.status === 'BLOCKED');
    expect(blocked.map((e: any) => e.material.name)).toContain(material);
    // Blocked for what the row says, never for the applicant being someone else's.
    expect(blocked.filter((e: any) => e.reason.includes('不是项目'))).toEqual([]);
  });

  it('combined application: the example project takes one, a task per department of the stage', async () => {
    const example = readme(/SubmitApplication\.graphql\) with\s+`(\{ "project": "[^"]+", "stage": "\w+", "idempotencyKey": )"<a UUID>" \}`/)[1]!;
    const variables = JSON.parse(`${example}"readme-example-0001" }`);
    const { data, errors } = await stack.query(operation('SubmitApplication'), variables);
    expect(errors).toBeUndefined();
    expect(data.submitApplication).toMatchObject({ stage: variables.stage, jointStatus: 'IN_REVIEW', overdue: false });
    expect(data.submitApplication.tasks.length).toBeGreaterThan(1);
  });

  it('applications in review in a town: there from the start, every one in review, some overdue', async () => {
    const [args, jointStatus, regionCode] = readme(/`applications\((jointStatus: (\w+), regionCode: "(\d{12})")\)`/).slice(1);
    const { data, errors } = await stack.query(`{ applications(first: 100, ${args}) { totalCount nodes { jointStatus overdue region { code } } } }`);
    expect(errors).toBeUndefined();
    const nodes = data.applications.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((a: any) => a.jointStatus === jointStatus && a.region.code === regionCode)).toBe(true);
    expect(nodes.some((a: any) => a.overdue)).toBe(true);
  });

  it('regions: the county’s towns', async () => {
    const code = readme(/`region\(code: "(\d+)"\) \{ children \{ name \} \}`/)[1]!;
    const { data, errors } = await stack.query(`{ region(code: "${code}") { children { name } } }`);
    expect(errors).toBeUndefined();
    expect(data.region.children.length).toBeGreaterThan(10);
  });
});
