import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { staffMember } from '../../domain/staff';
import type { GraphQLResponse, TestStack } from './stack';

/** An operation the dashboard sends (web/dashboard/src/operations), the same text the page bundles. */
export function dashboardOperation(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'web', 'dashboard', 'src', 'operations', `${name}.graphql`), 'utf8');
}

/** A token for a member of the county's staff roster (domain/staff.ts): their region and scopes. */
export async function staffHeaders(stack: TestStack, id: string): Promise<{ authorization: string }> {
  const member = staffMember(id);
  if (!member) throw new Error(`no staff member ${id} in domain/staff.ts`);
  const token = await stack.issuer.token({ sub: member.id, name: member.name, region: member.region, scope: member.scopes.join(' ') });
  return { authorization: `Bearer ${token}` };
}

/** Every node of a dashboard list, page after page (as `headers` sees it, else as county staff), checked against its totalCount. */
export async function everyNode(
  stack: TestStack,
  query: string,
  field: string,
  variables: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<{ total: number; nodes: any[] }> {
  const nodes: any[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const answer: GraphQLResponse = headers
      ? await stack.queryWith(headers, query, { first: 100, ...variables, after })
      : await stack.query(query, { first: 100, ...variables, after });
    if (answer.errors) throw new Error(`${field}: ${JSON.stringify(answer.errors)}`);
    const connection = answer.data[field];
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) {
      if (nodes.length !== connection.totalCount) throw new Error(`${field}: ${nodes.length} nodes over all pages, totalCount ${connection.totalCount}`);
      return { total: connection.totalCount, nodes };
    }
    after = connection.pageInfo.endCursor;
  }
  throw new Error(`${field}: more than 50 pages`);
}
