/**
 * deploy/nginx/county-gateway.conf run by Debian's nginx in the foreground, on this
 * machine: each upstream's `server` lines replaced by the replicas given, each `listen` by
 * a port given, everything nginx writes in a temporary folder. The replica test
 * (test/integration/replicas.test.ts) and the replicas benchmark (bench/replicas.ts) run it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONF = join(__dirname, 'nginx', 'county-gateway.conf');

export interface Nginx {
  url: (port: number) => string;
  /** What nginx logged at warn and above (upstream errors, retries). */
  errors(): string;
  pid: number;
  stop(): Promise<void>;
}

/** `upstreams`: upstream name → its replicas (host:port); `listen`: the conf's `listen` ports, in order. */
export async function startNginx(upstreams: Record<string, string[]>, listen: number[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
  let conf = readFileSync(CONF, 'utf8');
  for (const [name, servers] of Object.entries(upstreams)) {
    const block = new RegExp(`(upstream ${name} \\{\\n)((?:.*\\n)*?)(\\})`);
    if (!block.test(conf)) throw new Error(`deploy/nginx/county-gateway.conf has no upstream ${name}`);
    conf = conf.replace(block, (_all, open: string, body: string, close: string) => {
      const kept = body.split('\n').filter((l) => !/^\s*server /.test(l));
      const template = /^\s*server \S+( .*);$/m.exec(body)?.[1] ?? '';
      return `${open}${kept.filter(Boolean).join('\n')}\n${servers.map((s) => `    server ${s}${template};`).join('\n')}\n${close}`;
    });
  }
  let next = 0;
  conf = conf.replace(/^(\s*)listen \d+;/gm, (_all, indent: string) => `${indent}listen 127.0.0.1:${listen[next++]};`);
  if (next !== listen.length) throw new Error(`deploy/nginx/county-gateway.conf listens on ${next} ports, not ${listen.length}`);
  writeFileSync(join(dir, 'county-gateway.conf'), conf);
  mkdirSync(join(dir, 'logs'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs', 'error.log')} warn;`,
      'events { worker_connections 512; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
      `  include ${join(dir, 'county-gateway.conf')};`,
      '}',
    ].join('\n'),
  );
  const nginx = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const child: ChildProcess = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const errors: string[] = [];
  child.stderr!.on('data', (d: Buffer) => errors.push(d.toString()));
  child.once('error', (error) => errors.push(`cannot start nginx (apt-get install nginx; .ci/run does): ${error.message}`));
  for (const port of listen) {
    while (!(await accepts(port))) {
      if (child.exitCode !== null || errors.some((e) => e.includes('cannot start'))) throw new Error(`nginx did not start: ${errors.join('')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return {
    url: (port) => `http://127.0.0.1:${port}`,
    pid: child.pid!,
    errors: () => readFileSync(join(dir, 'logs', 'error.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
  });
}
