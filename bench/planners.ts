/**
 * `npm run bench:planners`: Apollo's and Hive Router's query planners (GATEWAY_PLANNER)
 * on our own operations (docs/operations and the dashboard's, as clients send them) over
 * schema/supergraph.graphql, through gateway/execution/planner.ts as the executor calls
 * it (Hive's plans adapted). Per planner: the time to build it for the supergraph, plans
 * a second with no plan cache (each operation planned again and again for
 * BENCH_PLANNER_SECONDS, default 3), and per operation the subgraph fetches and the
 * sequential waves of its plan. Planning only: no gateway, no subgraph, one process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloGateway } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import type { PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { Kind, parse, type DocumentNode } from 'graphql';
import { DEFAULT_SUPERGRAPH } from '../gateway/config';
import { loadSupergraph } from '../gateway/supergraph';
import { operationPlanner, PLANNERS, type OperationPlanner, type PlannerName } from '../gateway/execution/planner';
import { readOperationFiles } from '../scripts/schema-operations';

const seconds = Number(process.env.BENCH_PLANNER_SECONDS || 3);
// As the gateway reads it (its security features marked understood): the SDL both planners get.
const { sdl, supergraph } = loadSupergraph(readFileSync(DEFAULT_SUPERGRAPH, 'utf8'));
const apiSchema = supergraph.apiSchema();
const operations = readOperationFiles(join(__dirname, '..')).flatMap((file) =>
  file.documents.flatMap((text) => {
    const document = parse(text);
    return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [{ name: d.name.value, document }] : []));
  }),
);

/** Subgraph requests (the data source merges a wave's entity fetches to one subgraph: counted once) and sequential waves. */
function shape(node: PlanNode | SubscriptionNode | undefined): { fetches: number; waves: number } {
  const waves: Set<string>[] = [];
  const walk = (n: PlanNode | SubscriptionNode | undefined, wave: number): number => {
    if (!n) return wave;
    switch (n.kind) {
      case 'Fetch':
        (waves[wave] ??= new Set()).add(n.serviceName);
        return wave + 1;
      case 'Flatten':
        return walk(n.node, wave);
      case 'Sequence':
        return n.nodes.reduce((w, child) => walk(child, w), wave);
      case 'Parallel':
        return Math.max(wave, ...n.nodes.map((child) => walk(child, wave)));
      case 'Condition':
        return Math.max(walk(n.ifClause, wave), walk(n.elseClause, wave));
      default:
        return wave;
    }
  };
  walk(node, 0);
  return { fetches: waves.reduce((sum, services) => sum + services.size, 0), waves: waves.length };
}

function build(name: PlannerName): { planner: OperationPlanner; buildMs: number } {
  const started = process.hrtime.bigint();
  const gateway = { queryPlanner: name === 'apollo' ? new QueryPlanner(supergraph) : undefined, supergraphSdl: sdl } as unknown as ApolloGateway;
  const planner = operationPlanner(name, gateway);
  // Hive's planner is built on first use: plan once to count it.
  planner.plan(apiSchema, operations[0]!.document, operations[0]!.name);
  return { planner, buildMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

const results = PLANNERS.map((name) => {
  const { planner, buildMs } = build(name);
  const plans = new Map<string, QueryPlan>(operations.map(({ name: op, document }) => [op, planner.plan(apiSchema, document as DocumentNode, op)]));
  let planned = 0;
  const deadline = process.hrtime.bigint() + BigInt(seconds * 1e9);
  const started = process.hrtime.bigint();
  while (process.hrtime.bigint() < deadline) {
    for (const { name: op, document } of operations) planner.plan(apiSchema, document, op);
    planned += operations.length;
  }
  const perSecond = planned / (Number(process.hrtime.bigint() - started) / 1e9);
  return { name, buildMs, perSecond, shapes: new Map([...plans].map(([op, plan]) => [op, shape(plan.node)])) };
});

console.log(`${operations.length} operations, ${seconds} s a planner, node ${process.version}\n`);
console.log('| planner | built for the supergraph | plans a second (no cache) | fetches, all operations | waves, all operations |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of results) {
  const shapes = [...r.shapes.values()];
  console.log(`| ${r.name} | ${r.buildMs.toFixed(0)} ms | ${r.perSecond.toFixed(0)} | ${shapes.reduce((s, x) => s + x.fetches, 0)} | ${shapes.reduce((s, x) => s + x.waves, 0)} |`);
}
console.log(`\n| operation | ${results.map((r) => `${r.name}: fetches / waves`).join(' | ')} |`);
console.log(`| --- | ${results.map(() => '---').join(' | ')} |`);
for (const { name } of operations) {
  const cells = results.map((r) => r.shapes.get(name)!);
  const differs = cells.some((c) => c.fetches !== cells[0]!.fetches || c.waves !== cells[0]!.waves);
  console.log(`| ${name}${differs ? ' ≠' : ''} | ${cells.map((c) => `${c.fetches} / ${c.waves}`).join(' | ')} |`);
}
