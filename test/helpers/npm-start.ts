import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

/** Every port `npm start` opens, set to 0: each run gets free ones, beside a developer's own `npm start`. */
export const ZERO_PORTS = Object.fromEntries(
  ['PORT', 'IDENTITY_PROVIDER_PORT', ...['ENTERPRISE', 'LAND', 'CONSTRUCTION', 'APPROVAL'].flatMap((d) => [`${d}_SUBGRAPH_PORT`, `${d}_DEPARTMENT_PORT`])].map((v) => [v, '0']),
);

export interface StartedCommand {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr, line by line. */
  output: string[];
  /** Resolves with the first printed line matching `pattern`; rejects if the process ends first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** `npm start` (stack/start.ts) as a child process, with its own audit directory unless given one. */
export function startCommand(env: Record<string, string>): StartedCommand {
  return startScript('stack/start.ts', [], env);
}

/** Children still running when the test process ends (a test failed before stopping one) are killed, not left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Any of the project's entry points (a path from the repository root) as a child process, the same way. */
export function startScript(script: string, args: string[], env: Record<string, string>): StartedCommand {
  return startProcess([process.execPath, '--import', 'tsx', join(ROOT, script), ...args], env);
}

/** A command (argv) as a child process in `cwd`, with its own audit directory unless given one. */
export function startProcess([command, ...args]: string[], env: Record<string, string>, cwd = ROOT): StartedCommand {
  const child = spawn(command!, args, {
    cwd,
    env: { ...process.env, AUDIT_DIR: mkdtempSync(join(tmpdir(), 'audit-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => output.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => output.push(l));
  const waitForLine = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (;;) {
      for (const line of output) {
        const m = pattern.exec(line);
        if (m) return m;
      }
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, output, waitForLine };
}

/** The development token npm start prints on a line of its own. */
export const TOKEN_LINE = /^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/;
