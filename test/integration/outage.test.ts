import { operation, startTestStack, type TestStack } from '../helpers/stack';

const TIMEOUT_MS = 300;
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ timeoutMs: TIMEOUT_MS });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await stack.resetCounts();
  for (const id of ['enterprise', 'land', 'construction'] as const) {
    Object.assign(stack.departments[id].faults, { latencyMs: 0, failureRate: 0, down: false });
  }
});

const unavailable = (department: string) =>
  expect.objectContaining({ extensions: expect.objectContaining({ code: 'DEPARTMENT_UNAVAILABLE', department }) });

describe('a department that fails takes down its own fields only', () => {
  const project = () => stack.departments.county.projects.find((p) => p.stage === 'COMPLETION_ACCEPTANCE')!;

  it('land down: the project, applicant and participants still come back; parcel is null with the error', async () => {
    stack.departments.land.faults.down = true;
    const { status, data, errors } = await stack.query(operation('JointReview'), { code: project().code });
    expect(status).toBe(200);
    expect(data.constructionProject).toMatchObject({ code: project().code, parcel: null, applicant: { uscc: project().applicantUscc } });
    expect(data.constructionProject.participants).toHaveLength(project().participants.length);
    expect(errors).toEqual([unavailable('land')]);
    expect(errors![0]!.path).toEqual(['constructionProject', 'parcel']);
  });

  it('enterprise registry down: every enterprise is null, each with a path; land and construction data stay', async () => {
    stack.departments.enterprise.faults.down = true;
    const { data, errors } = await stack.query(operation('JointReview'), { code: project().code });
    const p = data.constructionProject;
    expect(p.applicant).toBeNull();
    expect(p.participants.map((x: any) => x.enterprise)).toEqual(project().participants.map(() => null));
    expect(p.parcel).toMatchObject({ unitNumber: project().parcelUnitNumber, rightHolder: null });
    expect(p.constructionPermit).not.toBeNull();
    expect(errors!.length).toBeGreaterThan(0);
    expect(errors).toEqual(errors!.map(() => unavailable('enterprise')));
    expect(errors!.map((e) => e.path)).toContainEqual(['constructionProject', 'applicant']);
  });

  it('construction down: the root field is null with the error; a sibling root field from another department is served', async () => {
    stack.departments.construction.faults.down = true;
    const holder = project().applicantUscc;
    const { data, errors } = await stack.query(
      `query($code: ID!, $uscc: ID!) { constructionProject(code: $code) { name } enterprise(uscc: $uscc) { uscc name } }`,
      { code: project().code, uscc: holder },
    );
    expect(data).toEqual({ constructionProject: null, enterprise: { uscc: holder, name: expect.any(String) } });
    expect(errors).toEqual([unavailable('construction')]);
  });

  it('approval system down: the project is served; its applications, joint status and region are null with the error', async () => {
    stack.departments.approval.faults.down = true;
    try {
      const { data, errors } = await stack.query(operation('JointReviewWithApplications'), { code: project().code });
      expect(data.constructionProject).toMatchObject({ code: project().code, applications: null, jointStatus: null, region: null, applicant: { uscc: project().applicantUscc } });
      expect(data.constructionProject.parcel.unitNumber).toBe(project().parcelUnitNumber);
      expect(errors!.length).toBeGreaterThan(0);
      expect(errors).toEqual(errors!.map(() => unavailable('approval')));
      expect(errors!.map((e) => e.path)).toContainEqual(['constructionProject', 'applications']);
    } finally {
      stack.departments.approval.faults.down = false;
    }
  });

  it('construction down: the approval system’s applications are still listed, each project null with the error', async () => {
    stack.departments.construction.faults.down = true;
    const { data, errors } = await stack.query(
      `query { applications(first: 3, jointStatus: IN_REVIEW) { totalCount nodes { id jointStatus project { code name } } } }`,
    );
    expect(data.applications.nodes).toHaveLength(3);
    expect(data.applications.nodes.map((a: any) => a.project)).toEqual([null, null, null]);
    expect(data.applications.nodes.every((a: any) => a.jointStatus === 'IN_REVIEW')).toBe(true);
    expect(errors!.length).toBeGreaterThan(0);
    expect(errors).toEqual(errors!.map(() => unavailable('construction')));
  });

  it('a slow department times out after its deadline and names itself', async () => {
    stack.departments.land.faults.latencyMs = TIMEOUT_MS * 4;
    const started = Date.now();
    const { data, errors } = await stack.query(operation('JointReview'), { code: project().code });
    // Generous bound: the deadline plus slack, far below the department's 1.2 s.
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
    expect(data.constructionProject.parcel).toBeNull();
    expect(errors).toEqual([unavailable('land')]);
    expect(errors![0]!.extensions!.reason).toBe(`no answer within ${TIMEOUT_MS} ms`);
  });

  it('recovers as soon as the department is back, and nothing crashed meanwhile', async () => {
    stack.departments.land.faults.down = true;
    await stack.query(operation('JointReview'), { code: project().code });
    stack.departments.land.faults.down = false;
    const { data, errors } = await stack.query(operation('JointReview'), { code: project().code });
    expect(errors).toBeUndefined();
    expect(data.constructionProject.parcel.unitNumber).toBe(project().parcelUnitNumber);
  });

  it('a department answering garbage is DEPARTMENT_ERROR for its fields, not a crash', async () => {
    const { http, HttpResponse } = await import('msw');
    const land = stack.departments.land;
    land.handlers.splice(1, 0, http.get(`${land.baseUrl}/bdc/query`, () => HttpResponse.text('<html>maintenance</html>')));
    try {
      const { data, errors } = await stack.query(operation('JointReview'), { code: project().code });
      expect(data.constructionProject.parcel).toBeNull();
      expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'DEPARTMENT_ERROR', department: 'land' }) })]);
    } finally {
      land.handlers.splice(1, 1);
    }
  });
});

describe('/status shows which department is at fault; /readyz stays ready', () => {
  const probe = async (url: string, path: '/readyz' | '/status') => {
    const response = await fetch(url.replace('/graphql', path));
    return { status: response.status, body: (await response.json()) as any };
  };

  it('is ready when every department answers', async () => {
    const { status, body } = await probe(stack.gatewayUrl, '/status');
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.subgraphs).sort()).toEqual(['approval', 'construction', 'enterprise', 'land']);
    expect(body.subgraphs.land.detail.department).toMatchObject({ id: 'land', reachable: true, breaker: 'closed' });
  });

  it('reports a department that is down, on the gateway and on its subgraph, without taking either out of the load balancer', async () => {
    stack.departments.land.faults.down = true;
    const gateway = await probe(stack.gatewayUrl, '/status');
    expect(gateway.status).toBe(200);
    expect(gateway.body.status).toBe('degraded');
    expect(gateway.body.subgraphs.land).toMatchObject({ ready: false, detail: { department: { id: 'land', reachable: false, reason: 'HTTP 503' } } });
    expect(gateway.body.subgraphs.enterprise.ready).toBe(true);
    const subgraph = await probe(stack.subgraphUrls.land, '/status');
    expect(subgraph.status).toBe(200);
    expect(subgraph.body).toMatchObject({ status: 'department unavailable', subgraph: 'land' });
    // The partial-answer design: every replica still serves the other departments' fields.
    expect(await probe(stack.gatewayUrl, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(await probe(stack.subgraphUrls.land, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', subgraph: 'land' } });
  });
});

describe('/metrics shows which department is the problem', () => {
  const scrape = async (url: string) => (await fetch(url.replace('/graphql', '/metrics'))).text();
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(series));
    return line ? Number(line.slice(series.length).trim()) : 0;
  };

  it('counts department requests by status, gateway outcomes and error codes, and shows an open breaker', async () => {
    const project = stack.departments.county.projects[9]!;
    const before = await scrape(stack.subgraphUrls.land);
    const ok = value(before, 'department_requests_total{department="land",endpoint="/bdc/query",status="200"}');
    await stack.query(operation('JointReview'), { code: project.code });
    const after = await scrape(stack.subgraphUrls.land);
    expect(value(after, 'department_requests_total{department="land",endpoint="/bdc/query",status="200"}')).toBe(ok + 1);
    expect(after).toMatch(/department_request_duration_seconds_count\{department="land",endpoint="\/bdc\/query"\} \d+/);
    expect(value(after, 'department_breaker_state{department="land"}')).toBe(0);

    stack.departments.land.faults.down = true;
    const gatewayBefore = await scrape(stack.gatewayUrl);
    for (const p of stack.departments.county.projects.slice(10, 12)) await stack.query(operation('JointReview'), { code: p.code });
    const down = await scrape(stack.subgraphUrls.land);
    expect(value(down, 'department_requests_total{department="land",endpoint="/bdc/query",status="503"}')).toBeGreaterThanOrEqual(5);
    expect(value(down, 'department_breaker_state{department="land"}')).toBeGreaterThan(0);
    const gatewayAfter = await scrape(stack.gatewayUrl);
    const unavailable = 'gateway_errors_total{code="DEPARTMENT_UNAVAILABLE"}';
    expect(value(gatewayAfter, unavailable)).toBe(value(gatewayBefore, unavailable) + 2);
    const partial = 'gateway_requests_total{operation="JointReview",outcome="partial"}';
    expect(value(gatewayAfter, partial)).toBe(value(gatewayBefore, partial) + 2);
    expect(gatewayAfter).toMatch(/gateway_subgraph_fetch_duration_seconds_count\{subgraph="land"\} \d+/);
  });
});

describe('fault injection at run time', () => {
  it('takes a mock department down and up through its admin endpoint, refusing nonsense', async () => {
    const admin = `${stack.departmentUrls.construction}/__admin/faults`;
    const project = stack.departments.county.projects[20]!;
    const put = (body: unknown) => fetch(admin, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put({ down: 'yes' })).status).toBe(400);
    expect(await (await put({ down: true })).json()).toMatchObject({ down: true });
    const down = await stack.query(`query($c: ID!) { constructionProject(code: $c) { code } }`, { c: project.code });
    expect(down.errors![0]!.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'construction' });
    await put({ down: false });
    await stack.resetCounts();
    const up = await stack.query(`query($c: ID!) { constructionProject(code: $c) { code } }`, { c: project.code });
    expect(up.data.constructionProject.code).toBe(project.code);
    expect(await (await fetch(admin)).json()).toMatchObject({ down: false, latencyMs: 0 });
  });
});

describe('request ids', () => {
  it('carries the caller’s request id from the gateway through the subgraphs to every department call', async () => {
    const project = stack.departments.county.projects[21]!;
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.staffToken}`, 'x-request-id': 'trace-0123456789' },
      body: JSON.stringify({ query: operation('JointReview'), variables: { code: project.code } }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-0123456789');
    await response.json();
    for (const id of ['enterprise', 'land', 'construction'] as const) {
      const calls = stack.requests(id).filter((r) => r.requestId === 'trace-0123456789');
      expect(calls.length).toBeGreaterThan(0);
    }
  });
});
