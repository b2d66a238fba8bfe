/**
 * The benchmark's processes: started with or without a core of their own, waited for
 * with a deadline (a process that never says it is ready fails the run instead of
 * hanging it), and measured from /proc — CPU time and peak memory of the process and
 * every process it forked (cluster workers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Started {
  name: string;
  child: ChildProcess;
  /** The first line `ready` accepted. */
  line: Record<string, any>;
  /** Where everything it printed after that line goes. */
  log: string;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Run on core 0 only (taskset), so its figures are per core. */
  pin: boolean;
  /** Picks the ready line out of what the process prints (JSON lines, or any text). */
  ready: (line: string) => Record<string, any> | undefined;
  log: string;
  timeoutMs: number;
}

export function startProcess(options: StartOptions): Promise<Started> {
  const [command, args] = options.pin ? ['taskset', ['-c', '0', options.command, ...options.args]] : [options.command, options.args];
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(options.log);
  child.stderr!.pipe(log);
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(deadline);
      lines.close();
      child.kill('SIGKILL');
      reject(new Error(`${options.name} ${why}; last output:\n  ${recent.join('\n  ')}\n(full log: ${options.log})`));
    };
    const deadline = setTimeout(() => fail(`did not say it was ready within ${options.timeoutMs / 1000} s`), options.timeoutMs);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal} before it was ready`));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (text) => {
      log.write(`${text}\n`);
      recent.push(text);
      if (recent.length > 15) recent.shift();
      const line = options.ready(text);
      if (!line) return;
      clearTimeout(deadline);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      // From here on its output only goes to the log, unparsed: the benchmark's own CPU is the load generator's.
      lines.close();
      child.stdout!.pipe(log);
      resolve({ name: options.name, child, line, log: options.log });
    });
  });
}

/** SIGTERM, and SIGKILL after 10 s; then whatever it forked and left behind. */
export async function stopProcess(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  const tree = processTree(started.child.pid!).slice(1);
  const exited = new Promise((done) => started.child.once('exit', done));
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
}

/** A JSON line (one of ours) that `accept` likes. */
export const jsonLine =
  (accept: (parsed: Record<string, any>) => boolean) =>
  (text: string): Record<string, any> | undefined => {
    if (!text.startsWith('{')) return undefined;
    try {
      const parsed = JSON.parse(text) as Record<string, any>;
      return accept(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  };

/** The process and its descendants (cluster workers, forks), from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const parent = Number(stat[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Fields of /proc/<pid>/stat after the command name (state is [0], ppid [1]); undefined once it is gone. */
function readStat(pid: number, path = `/proc/${pid}/stat`): string[] | undefined {
  try {
    return readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of the processes, in milliseconds (clock ticks are 100 Hz on Linux). */
export function cpuMs(pids: readonly number[]): number {
  return ticksMs(pids, (pid) => `/proc/${pid}/stat`);
}

/**
 * utime + stime of each process's main thread alone (on Linux its thread id is the process
 * id), in milliseconds. The rest of a process's CPU ran on its other threads: V8's helpers
 * (parallel scavenges, concurrent marking and sweeping, optimising compiles) and libuv's
 * pool. A main-thread profile (BENCH_PROFILE) does not see that part; the CPU per request
 * counts it.
 */
export function mainThreadCpuMs(pids: readonly number[]): number {
  return ticksMs(pids, (pid) => `/proc/${pid}/task/${pid}/stat`);
}

/**
 * How often the processes' main threads were switched off their core, added up: `slept`, the
 * voluntary switches (the thread blocked: its event loop had nothing to run, or it waited on its
 * own helper threads, e.g. a parallel scavenge), and `preempted`, the nonvoluntary ones (the
 * scheduler gave the core to another thread or process). A return has a price in CPU here that
 * the CPU per request includes, more the longer the wait (`npm run bench:wake-cost`).
 */
export function mainThreadSwitches(pids: readonly number[]): { slept: number; preempted: number } {
  const counts = statusSums(pids, ['voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches'], (pid) => `/proc/${pid}/task/${pid}/status`);
  return { slept: counts.voluntary_ctxt_switches, preempted: counts.nonvoluntary_ctxt_switches };
}

/** utime + stime from each pid's stat file (those gone count 0), in milliseconds. */
function ticksMs(pids: readonly number[], statPath: (pid: number) => string): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readStat(pid, statPath(pid));
    if (stat) ticks += Number(stat[11]) + Number(stat[12]);
  }
  return ticks * 10;
}

/**
 * Starts each process's peak resident memory (VmHWM) again from what it holds now
 * (Linux: `5` into /proc/<pid>/clear_refs), so a row's peak is its own, not an earlier
 * row's or the warm-up pass's. Says whether it could (it needs the processes to be ours).
 */
export function resetPeakRss(pids: readonly number[]): boolean {
  let reset = pids.length > 0;
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      reset = false;
    }
  }
  return reset;
}

/** Each process's peak resident memory (VmHWM), added up, in MB. */
export function peakRssMb(pids: readonly number[]): number {
  return Math.round(statusSums(pids, ['VmHWM']).VmHWM / 1024);
}

/** The processes' resident memory now (VmRSS), added up, in kB. */
export function residentKb(pids: readonly number[]): number {
  return statusSums(pids, ['VmRSS']).VmRSS;
}

/**
 * Figures of each process's status file (`statusPath`, /proc/<pid>/status unless told), added
 * up over the processes: one read a process, those gone and fields missing count 0. The Vm
 * fields are in kB.
 */
function statusSums<F extends string>(pids: readonly number[], fields: readonly F[], statusPath = (pid: number) => `/proc/${pid}/status`): Record<F, number> {
  const sums = Object.fromEntries(fields.map((field) => [field, 0])) as Record<F, number>;
  for (const pid of pids) {
    let status: string;
    try {
      status = readFileSync(statusPath(pid), 'utf8');
    } catch {
      continue; // gone
    }
    for (const line of status.split('\n')) {
      const field = line.slice(0, line.indexOf(':')) as F;
      if (fields.includes(field)) sums[field] += Number(line.slice(field.length + 1).trim().split(/\s+/)[0]);
    }
  }
  return sums;
}
