/**
 * Every request the bench sends names its workload: the JavaScript floor (js-floor.ts)
 * keeps its recordings per workload and operation, since two workloads can send the same
 * operation with other variables (50 and 100 projects a page). The gateways ignore it.
 */
export const WORKLOAD_HEADER = 'x-bench-workload';
