/**
 * How the bench's own servers (the plain gateway, the JavaScript floor) run as one process
 * or as N node:cluster workers on one port, as our gateway's `--workers N` does, and tell
 * the bench their address: one JSON line on stdout once every worker listens.
 */
import cluster from 'node:cluster';

export async function serveWithWorkers(name: string, serve: (port: number) => Promise<string>): Promise<void> {
  const workers = Number(process.env.BENCH_WORKERS ?? 1);
  if (workers > 1 && cluster.isPrimary) {
    let listening = 0;
    for (let i = 0; i < workers; i++) {
      cluster.fork().once('listening', ({ port }) => {
        if (++listening === workers) process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/`, workers })}\n`);
      });
    }
    cluster.on('exit', (_worker, code) => {
      console.error(`${name} worker exited with ${code}`);
      process.exit(1);
    });
    process.once('SIGTERM', () => {
      cluster.removeAllListeners('exit');
      const running = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
      void Promise.all(running.map((w) => new Promise((done) => w!.once('exit', done).process.kill('SIGTERM')))).then(() => process.exit(0));
    });
    return;
  }
  const url = await serve(Number(process.env.PORT ?? 0));
  if (cluster.isPrimary) process.stdout.write(`${JSON.stringify({ url })}\n`);
}
