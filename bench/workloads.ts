/**
 * What the benchmark asks, and of which backend. Every request is distinct: the
 * variables rotate where the workload allows it, and each request carries its own
 * x-request-id, so no gateway can win by sharing one answer between requests.
 *
 * `floorQuery` is the floor (d): the part of the operation the construction subgraph
 * serves alone — the first fetch of the gateway's query plan, as the planner writes it —
 * sent straight to that subgraph. A gateway's p50 over the floor's is what the gateway
 * adds: planning, the entity fetches to the other subgraphs, and its own features.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCounty } from '../mocks';

/**
 * `read-through`: the subgraphs keep no department records (TTL 0), so every request
 * reads the departments it needs; `cached`: they keep them for a minute, and the
 * warm-up fills them.
 */
export type BackendKind = 'read-through' | 'cached';

export interface Workload {
  /** Short name for BENCH_WORKLOADS. */
  id: 'joint-review' | 'dashboard' | 'dashboard-warm' | 'dashboard-warm-100' | 'dashboard-warm-users';
  name: string;
  backend: BackendKind;
  query: string;
  floorQuery: string;
  variables: () => Record<string, unknown>;
  /**
   * Distinct users sending it, each with a token of their own, taken in turn; unset: one
   * user. More users than the gateway keeps verified tokens for (10,000) makes every
   * verification real, as a county's staff and partners would.
   */
  users?: number;
}

/** Users in the many-users workload: twice what the gateway's verified-token cache holds. */
export const MANY_USERS = 20_000;

const operation = (name: string) => readFileSync(join(__dirname, '..', 'docs', 'operations', `${name}.graphql`), 'utf8');

const JOINT_REVIEW_FLOOR = `query JointReviewFloor($code: ID!) {
  constructionProject(code: $code) {
    code name stage totalInvestment
    applicant { __typename uscc }
    parcel { __typename unitNumber }
    constructionPermit { number issuedOn }
    participants { role enterprise { __typename uscc } }
  }
}`;

const DASHBOARD_FLOOR = `query DashboardProjectsFloor($first: Int, $after: String, $stage: ProjectStage, $townCode: String) {
  constructionProjects(first: $first, after: $after, stage: $stage, townCode: $townCode) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      code name stage townCode
      applicant { __typename uscc }
      participants { role enterprise { __typename uscc } }
      parcel { __typename unitNumber }
    }
  }
}`;

const page = (n: number, first = 50) => ({ first, after: n === 0 ? undefined : Buffer.from(`offset:${n * first}`).toString('base64url') });

export function benchWorkloads(): Workload[] {
  const codes = generateCounty().projects.map((p) => p.code);
  const pages = Math.ceil(codes.length / 50);
  let project = 0;
  let dashboardPage = 0;
  return [
    {
      id: 'joint-review',
      name: 'joint review (1 project)',
      backend: 'read-through',
      query: operation('JointReview'),
      floorQuery: JOINT_REVIEW_FLOOR,
      variables: () => ({ code: codes[project++ % codes.length] }),
    },
    {
      id: 'dashboard',
      name: 'dashboard page (50 projects)',
      backend: 'read-through',
      query: operation('DashboardProjects'),
      floorQuery: DASHBOARD_FLOOR,
      variables: () => page(dashboardPage++ % pages),
    },
    {
      // The same page again and again, as a dashboard is refreshed: distinct by request id only.
      id: 'dashboard-warm',
      name: 'dashboard page, cache-warm repeat',
      backend: 'cached',
      query: operation('DashboardProjects'),
      floorQuery: DASHBOARD_FLOOR,
      variables: () => page(0),
    },
    {
      // Twice the page: where a gateway's cost per project shows (it grows with the page; so did the advantage's loss).
      id: 'dashboard-warm-100',
      name: 'dashboard page (100 projects), cache-warm repeat',
      backend: 'cached',
      query: operation('DashboardProjects'),
      floorQuery: DASHBOARD_FLOOR,
      variables: () => page(0, 100),
    },
    {
      // The same, each request from another of MANY_USERS users: what JWT verification costs when tokens are not already verified.
      id: 'dashboard-warm-users',
      name: `dashboard page, cache-warm, ${MANY_USERS.toLocaleString('en')} users`,
      backend: 'cached',
      query: operation('DashboardProjects'),
      floorQuery: DASHBOARD_FLOOR,
      variables: () => page(0),
      users: MANY_USERS,
    },
  ];
}
