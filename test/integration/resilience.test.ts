import { notYetApplied } from '../../mocks/approval/history';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  // The test stack's own 10 s deadline: no test here waits for one (a department that is `down` answers 503 at once), and the
  // bulkhead test's 40 queued land requests once missed a 1 s deadline on a loaded machine.
  stack = await startTestStack({ breakerOpenMs: 400, landMaxConcurrency: 2 });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await stack.resetCounts();
  for (const id of ['enterprise', 'land', 'construction', 'approval'] as const) {
    Object.assign(stack.departments[id].faults, { latencyMs: 0, failureRate: 0, down: false, failNext: 0, failOnly: undefined });
  }
});

const paths = (id: 'enterprise' | 'land' | 'construction' | 'approval') => stack.requests(id).map((r) => `${r.method} ${r.path}`);

describe('resilience per department', () => {
  it('retries a failed read and answers as if nothing happened', async () => {
    stack.departments.enterprise.faults.failNext = 1;
    const project = stack.departments.county.projects[0]!;
    const { data, errors } = await stack.query(operation('JointReview'), { code: project.code });
    expect(errors).toBeUndefined();
    expect(data.constructionProject.applicant.uscc).toBe(project.applicantUscc);
    // The failed batch query and its retry (the right holders' wave may add one more).
    expect(paths('enterprise').length).toBeGreaterThanOrEqual(2);
    expect(paths('enterprise').every((p) => p === 'POST /api/v1/enterprises/batch-query')).toBe(true);
  });

  it('never repeats a write', async () => {
    Object.assign(stack.departments.approval.faults, { failNext: 1, failOnly: 'POST /api/applications' });
    const project = notYetApplied(stack.departments.county).find((p) => p.stage === 'COMPLETION_ACCEPTANCE')!;
    const { errors } = await stack.query(operation('SubmitApplication'), { project: project.code, stage: 'COMPLETION_ACCEPTANCE', idempotencyKey: `retry-${Date.now()}` });
    expect(errors![0]!.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'approval' });
    expect(paths('approval').filter((p) => p === 'POST /api/applications')).toHaveLength(1);
  });

  it('opens the breaker after repeated failures, fails fast without asking, and closes when a probe succeeds', async () => {
    const land = stack.departments.land;
    land.faults.down = true;
    const project = stack.departments.county.projects[1]!;
    const review = () => stack.query(`query($c: ID!) { constructionProject(code: $c) { code parcel { area } } }`, { c: project.code });
    await review(); // 3 attempts
    await review(); // 3 more: the breaker opens at the fifth failure
    const askedWhileFailing = land.requests.length;
    const fast = await review();
    expect(fast.errors![0]!.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'land', reason: expect.stringContaining('circuit open') });
    expect(land.requests.length).toBe(askedWhileFailing); // not asked at all
    expect(fast.data.constructionProject.code).toBe(project.code);

    land.faults.down = false;
    await new Promise((r) => setTimeout(r, 450));
    const recovered = await review();
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.constructionProject.parcel.area).toBeGreaterThan(0);
  });

  it('never sends the legacy land system more requests at once than its bulkhead allows', async () => {
    const land = stack.departments.land;
    // Slow enough that requests overlap, quick enough that 40 of them two at a time stay far inside the stack's
    // deadline on a loaded machine (the deadline counts the wait for the bulkhead too).
    land.faults.latencyMs = 5;
    land.load!.peak = 0;
    const { errors } = await stack.query(operation('DashboardProjects'), { first: 40 });
    expect(errors).toBeUndefined();
    expect(land.requests.length).toBe(40);
    expect(land.load!.peak).toBe(2);
  });
});

describe('stale-if-error', () => {
  let short: TestStack;
  beforeAll(async () => {
    short = await startTestStack({ cacheTtlSeconds: 1 });
  });
  afterAll(() => short.stop());

  const QUERY = `query($c: ID!) { constructionProject(code: $c) { code dataAsOf parcel { unitNumber area dataAsOf } applicant { name dataAsOf } } }`;

  it('serves the last known record when the department is down, says so, and dates it', async () => {
    const project = short.departments.county.projects[3]!;
    const fresh = await short.query(QUERY, { c: project.code });
    expect(fresh.errors).toBeUndefined();
    expect(fresh.extensions?.stale).toBeUndefined();
    const readAt = fresh.data.constructionProject.parcel.dataAsOf;
    expect(Date.parse(readAt)).toBeGreaterThan(Date.now() - 10_000);

    await new Promise((r) => setTimeout(r, 1100)); // past the 1 s TTL: the next read goes to the department
    short.departments.land.faults.down = true;
    try {
      const stale = await short.query(QUERY, { c: project.code });
      expect(stale.errors).toBeUndefined();
      expect(stale.data.constructionProject.parcel).toMatchObject({ unitNumber: project.parcelUnitNumber, dataAsOf: readAt });
      expect(stale.extensions?.stale).toEqual([{ department: 'land', ageSeconds: expect.any(Number), records: 1 }]);
      expect((stale.extensions!.stale as any)[0].ageSeconds).toBeGreaterThanOrEqual(1);
      // The other departments answered fresh.
      expect(Date.parse(stale.data.constructionProject.dataAsOf)).toBeGreaterThan(Date.parse(readAt));
    } finally {
      short.departments.land.faults.down = false;
    }
  });

  it('without a cached record, the field is null with DEPARTMENT_UNAVAILABLE as before', async () => {
    const project = short.departments.county.projects[4]!;
    short.departments.land.faults.down = true;
    try {
      const { data, errors, extensions } = await short.query(QUERY, { c: project.code });
      expect(data.constructionProject.parcel).toBeNull();
      expect(errors![0]!.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'land' });
      expect(extensions?.stale).toBeUndefined();
    } finally {
      short.departments.land.faults.down = false;
    }
  });
});
