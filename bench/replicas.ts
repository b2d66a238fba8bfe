/**
 * The `replicas` mode of `npm run bench`: this gateway as 1 and as 2 replicas (one
 * process each, unpinned) behind nginx (deploy/nginx/county-gateway.conf), without and
 * with Redis as their shared state, in front of the same backend. What it answers: what a
 * second replica buys on this machine, and what sharing state costs (CPU per request of
 * the gateways, of Redis and of nginx, and Redis commands per request).
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { startNginx } from '../deploy/run-nginx';
import { startRedis } from '../test/helpers/redis';
import { cpuMs, processTree, type Started } from './processes';
import { freePort } from './hive';

export interface ReplicaRow {
  replicas: number;
  redis: boolean;
  workload: string;
  latencyMs: number;
  requests?: number;
  rps?: number;
  p50?: number;
  p99?: number;
  /** All gateway replicas' processes, per request answered. */
  gatewayCpuMsPerRequest?: number;
  redisCpuMsPerRequest?: number | null;
  nginxCpuMsPerRequest?: number;
  /** Commands Redis ran per request answered (rate-limit counts, persisted-query lookups, …). */
  redisCommandsPerRequest?: number | null;
  non2xx?: number;
  errors?: number;
  notRun?: string;
}

/** What the benchmark's runner lends this mode: how to start a gateway replica, and how to measure an endpoint. */
export interface ReplicaBench {
  startGateway(name: string, env: Record<string, string>): Promise<Started>;
  /**
   * Checks one answer, warms up, then loads `url`; `counters` are read just before and
   * just after the measured load, and their differences returned.
   */
  measure(url: string, counters: Record<string, () => number | Promise<number>>): Promise<{ result: LoadResult; deltas: Record<string, number> } | { notRun: string }>;
  workload: string;
  latencyMs: number;
}

export interface LoadResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export async function measureReplicas(bench: ReplicaBench): Promise<ReplicaRow[]> {
  const rows: ReplicaRow[] = [];
  for (const withRedis of [false, true]) {
    const redis = withRedis ? await startRedis() : undefined;
    // One connection that reads Redis's command count, so its own commands are exactly the reads.
    const counter = redis && new Redis(redis.url);
    const commandsRun = async () => Number(/total_commands_processed:(\d+)/.exec(await counter!.info('stats'))?.[1] ?? 0);
    try {
      for (const replicas of [1, 2]) {
        const base = { replicas, redis: withRedis, workload: bench.workload, latencyMs: bench.latencyMs };
        const gateways: Started[] = [];
        let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
        try {
          for (let i = 0; i < replicas; i++) {
            gateways.push(await bench.startGateway(`replica ${i + 1} of ${replicas}${withRedis ? ', Redis' : ''}`, redis ? { REDIS_URL: redis.url } : {}));
          }
          const [front, subgraphFront] = [await freePort(), await freePort()];
          // The county conf also fronts the enterprise subgraph's replicas; the benchmark's gateways call the backend's
          // subgraphs directly, so that upstream points at a port nothing listens on and is never used.
          nginx = await startNginx(
            { county_gateway: gateways.map((g) => new URL(g.line.url as string).host), county_subgraph_enterprise: ['127.0.0.1:9'] },
            [front, subgraphFront],
          );
          const counters: Record<string, () => number | Promise<number>> = {
            gateways: () => cpuMs(gateways.flatMap((g) => processTree(g.child.pid!))),
            nginx: () => cpuMs(processTree(nginx!.pid)),
            ...(redis && { redis: () => cpuMs([redis.pid()!]), redisCommands: commandsRun }),
          };
          const measured = await bench.measure(`http://127.0.0.1:${front}/graphql`, counters);
          if ('notRun' in measured) {
            rows.push({ ...base, notRun: measured.notRun });
            continue;
          }
          const { result, deltas } = measured;
          const per = (x: number) => Number((x / Math.max(1, result.requests.total)).toFixed(3));
          rows.push({
            ...base,
            requests: result.requests.total,
            rps: Math.round(result.requests.average),
            p50: result.latency.p50,
            p99: result.latency.p99,
            gatewayCpuMsPerRequest: per(deltas.gateways!),
            nginxCpuMsPerRequest: per(deltas.nginx!),
            redisCpuMsPerRequest: redis ? per(deltas.redis!) : null,
            // Less the INFO that read the count before.
            redisCommandsPerRequest: redis ? per(deltas.redisCommands! - 1) : null,
            non2xx: result.non2xx,
            errors: result.errors + result.timeouts,
          });
          console.log(JSON.stringify(rows.at(-1)));
        } catch (error) {
          rows.push({ ...base, notRun: (error as Error).message.split('\n')[0]! });
        } finally {
          await nginx?.stop();
          for (const g of gateways) {
            g.child.kill('SIGKILL');
            if (g.child.exitCode === null) await once(g.child, 'exit');
          }
        }
      }
    } finally {
      counter?.disconnect();
      await redis?.stop();
    }
  }
  return rows;
}

