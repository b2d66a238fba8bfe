// autocannon ships no types; this is the part the benchmark uses.
declare module 'autocannon' {
  export interface Result {
    /** Seconds the run lasted, to 0.01. */
    duration: number;
    requests: { total: number; average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  function autocannon(options: Record<string, unknown>): Promise<Result>;
  export default autocannon;
}
