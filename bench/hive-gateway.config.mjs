/* global process */
/**
 * Hive Gateway's configuration for the benchmark (`hive-gateway supergraph <file> -c this`).
 * Plain JavaScript with no import: @graphql-hive/gateway is installed for the benchmark
 * only (bench/.hive), never as a project dependency, and `defineConfig` only types this.
 *
 * Like the plain @apollo/gateway it sends the subgraphs the identity token the benchmark
 * signed (they refuse requests without one), and points at the benchmark's subgraphs.
 * In-flight request deduplication, on by default in Hive, is switched off: neither other
 * gateway shares one subgraph answer between client requests. Response caching is off
 * by default and stays off.
 *
 * Subscriptions (the fan-out mode) go to the approval subgraph over GraphQL over WebSocket
 * on its GraphQL path, as ours do. The signed identity travels in each subscribe message's
 * `extensions.headers`: propagateHeaders puts it there and Hive's graphql-ws executor sends
 * the request's extensions, which is what our subgraphs read (contracts/subgraph-subscriptions.ts).
 */
const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS);
const identityToken = process.env.BENCH_IDENTITY_TOKEN;

export const gatewayConfig = {
  transportEntries: {
    '*.http': { options: { deduplicateInflightRequests: false } },
    ...Object.fromEntries(Object.entries(urls).map(([name, location]) => [name, { location }])),
    approval: { location: urls.approval, options: { deduplicateInflightRequests: false, subscriptions: { kind: 'ws' } } },
  },
  propagateHeaders: {
    fromClientToSubgraphs: () => ({ 'x-county-identity': identityToken }),
  },
};
