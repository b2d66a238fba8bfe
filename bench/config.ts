/**
 * The benchmark's settings, read and checked once before anything starts.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * `core`: every gateway on core 0 alone (the per-core figure); `machine`: one worker per
 * core, unpinned; `replicas`: this gateway as 1 and 2 replicas behind nginx, without and
 * with Redis (bench/replicas.ts); `fanout`: many WebSocket subscribers on one subscription,
 * this gateway and Hive Gateway (bench/fanout.ts).
 */
export type Mode = 'core' | 'machine' | 'replicas' | 'fanout';

/** The modes that compare the three gateways on queries. */
export type GatewayMode = Exclude<Mode, 'replicas' | 'fanout'>;

export const isGatewayMode = (mode: Mode): mode is GatewayMode => mode === 'core' || mode === 'machine';

export interface BenchConfig {
  /** Measured seconds per row, all rounds together. */
  seconds: number;
  warmupSeconds: number;
  /**
   * Seconds each target serves each workload of its backend once, after it starts and before
   * any row: the warm-up pass. Longer than a round's warm-up because it carries the JIT's
   * first half-minute (optimising compiles), which a process running for days never pays again.
   */
  startWarmupSeconds: number;
  /**
   * A row's measured seconds are split into this many rounds, the targets interleaved and
   * their order rotated by one each round: a machine that slows down, or the first place
   * after a warm-up, then weighs on every target alike instead of on one.
   */
  rounds: number;
  /** Seconds of one-request-at-a-time latency per row (the low-load p50). */
  lowLoadSeconds: number;
  connections: number;
  latenciesMs: number[];
  modes: Mode[];
  /** Workers per gateway in the `machine` mode. */
  workers: number;
  /** false: the `core` mode runs unpinned (no taskset, or to compare). */
  pin: boolean;
  /** Directory for V8 CPU profiles of the gateways, or undefined. */
  profileDir: string | undefined;
  /** Workload ids to run (BENCH_WORKLOADS); all when undefined. */
  workloads: string[] | undefined;
  /** WebSocket subscribers in the `fanout` mode. */
  fanoutSubscribers: number;
  /** Why Hive Gateway is left out, or undefined to run it. */
  skipHive: string | undefined;
  /**
   * BENCH_VARIANT (`NAME=value,…`): this gateway again with these settings, measured as
   * target (e) beside (a) in every row, so what one change buys is read from one run.
   */
  variant: Record<string, string> | undefined;
  outDir: string;
}

type Env = Record<string, string | undefined>;

const items = (s: string) => s.split(',').map((p) => p.trim()).filter(Boolean);

const positive = (name: string) => z.coerce.number({ error: `${name} must be a number` }).positive(`${name} must be greater than 0`);

export function readBenchConfig(env: Env, defaultOutDir: string): BenchConfig {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const schema = z.object({
    seconds: positive('BENCH_SECONDS').default(quick ? 1 : 10),
    // 5 s: a target idle while the others ran its rounds measured dearer after a one-second warm-up.
    warmupSeconds: positive('BENCH_WARMUP_SECONDS').default(quick ? 1 : 5),
    // In a run of the joint review alone after a 5 s pass, this gateway cost 2.63 and 2.05 ms in its rounds at 10 and 20 s
    // of load and 1.52–1.75 in all but one later round (a slower minute for every target); a backend's pass covers two or
    // three workloads, which share most of their code, so 15 s each puts that row past its first 30 s.
    startWarmupSeconds: positive('BENCH_START_WARMUP_SECONDS').default(quick ? 1 : 15),
    // Two in the quick run: the rotation is exercised, the rows stay short.
    rounds: positive('BENCH_ROUNDS').int('BENCH_ROUNDS must be a whole number').max(10, 'BENCH_ROUNDS is at most 10').default(quick ? 2 : 3),
    lowLoadSeconds: positive('BENCH_LOW_LOAD_SECONDS').default(quick ? 1 : 3),
    connections: positive('BENCH_CONNECTIONS').int('BENCH_CONNECTIONS must be a whole number').default(8),
    latenciesMs: z
      .array(z.coerce.number({ error: 'BENCH_DEPARTMENT_LATENCY_MS lists milliseconds, e.g. 0,20' }).int('latencies are whole milliseconds').min(0, 'latencies are ≥ 0 ms'))
      .min(1, 'BENCH_DEPARTMENT_LATENCY_MS lists at least one latency')
      .default([0, 20]),
    modes: z
      .array(
        z.enum(['core', 'machine', 'replicas', 'fanout'], {
          error: 'BENCH_MODES lists core (one pinned core), machine (one worker per core), replicas (1 and 2 replicas behind nginx, Redis off and on) and/or fanout (WebSocket subscribers on one subscription)',
        }),
      )
      .min(1, 'BENCH_MODES lists at least one mode')
      .default(['core', 'machine', 'replicas', 'fanout']),
    fanoutSubscribers: positive('BENCH_FANOUT_SUBSCRIBERS').int('BENCH_FANOUT_SUBSCRIBERS must be a whole number').max(20_000).default(quick ? 100 : 1000),
    workers: positive('BENCH_WORKERS').int('BENCH_WORKERS must be a whole number').max(64).default(availableParallelism()),
    pin: z.enum(['true', 'false'], { error: 'BENCH_PIN must be true or false' }).default('true'),
    hive: z.enum(['run', 'skip'], { error: 'BENCH_HIVE must be run or skip' }).default('run'),
    workloads: z
      .array(z.enum(['joint-review', 'dashboard', 'dashboard-warm', 'dashboard-warm-100', 'dashboard-warm-users'], { error: 'BENCH_WORKLOADS lists joint-review, dashboard, dashboard-warm, dashboard-warm-100 and/or dashboard-warm-users' }))
      .min(1, 'BENCH_WORKLOADS lists at least one workload')
      .optional(),
  });
  const parsed = schema.safeParse({
    seconds: env.BENCH_SECONDS || undefined,
    warmupSeconds: env.BENCH_WARMUP_SECONDS || undefined,
    startWarmupSeconds: env.BENCH_START_WARMUP_SECONDS || undefined,
    rounds: env.BENCH_ROUNDS || undefined,
    lowLoadSeconds: env.BENCH_LOW_LOAD_SECONDS || undefined,
    connections: env.BENCH_CONNECTIONS || undefined,
    latenciesMs: env.BENCH_DEPARTMENT_LATENCY_MS ? items(env.BENCH_DEPARTMENT_LATENCY_MS) : undefined,
    modes: env.BENCH_MODES ? items(env.BENCH_MODES) : undefined,
    workers: env.BENCH_WORKERS || undefined,
    fanoutSubscribers: env.BENCH_FANOUT_SUBSCRIBERS || undefined,
    pin: env.BENCH_PIN || undefined,
    hive: env.BENCH_HIVE || undefined,
    workloads: env.BENCH_WORKLOADS ? items(env.BENCH_WORKLOADS) : undefined,
  });
  if (!parsed.success) throw new Error(`bench configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const c = parsed.data;
  return {
    seconds: c.seconds,
    warmupSeconds: c.warmupSeconds,
    startWarmupSeconds: c.startWarmupSeconds,
    rounds: c.rounds,
    lowLoadSeconds: c.lowLoadSeconds,
    connections: c.connections,
    latenciesMs: [...new Set(c.latenciesMs)],
    modes: [...new Set(c.modes)],
    workers: c.workers,
    pin: c.pin === 'true',
    profileDir: env.BENCH_PROFILE || undefined,
    fanoutSubscribers: c.fanoutSubscribers,
    skipHive: c.hive === 'skip' ? 'BENCH_HIVE=skip' : undefined,
    workloads: c.workloads && [...new Set(c.workloads)],
    variant: readVariant(env.BENCH_VARIANT),
    outDir: env.BENCH_OUT || defaultOutDir,
  };
}

function readVariant(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const settings: Record<string, string> = {};
  for (const item of items(text)) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(item);
    if (!match) throw new Error(`bench configuration: BENCH_VARIANT lists NAME=value settings separated by commas (e.g. GATEWAY_PLANNER=apollo); "${item}" is not one`);
    settings[match[1]!] = match[2]!;
  }
  return settings;
}
