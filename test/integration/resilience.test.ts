import { operation, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ timeoutMs: 1000, breakerOpenMs: 400, landMaxConcurrency: 2 });
});
afterAll(() => stack.stop());
beforeEach(() => {
  stack.resetCounts();
  for (const id of ['enterprise', 'land', 'construction', 'approval'] as const) {
    Object.assign(stack.departments[id].faults, { latencyMs: 0, failureRate: 0, down: false, failNext: 0 });
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
    stack.departments.approval.faults.failNext = 1;
    const project = stack.departments.county.projects.slice(60).find((p) => p.stage === 'COMPLETION_ACCEPTANCE')!;
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
    land.faults.latencyMs = 20;
    land.load!.peak = 0;
    const { errors } = await stack.query(operation('DashboardProjects'), { first: 40 });
    expect(errors).toBeUndefined();
    expect(land.requests.length).toBe(40);
    expect(land.load!.peak).toBe(2);
  });
});
