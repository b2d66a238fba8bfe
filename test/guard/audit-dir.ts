/**
 * The working tree's `audit/` is where `npm start` keeps its trail. A test that wrote there
 * would fork that chain when `npm test` runs beside `npm start` (issue 12), so the run
 * fails if anything under it changed — except a chain held, from before the run to its
 * end, by the same process: one started outside the run (a test's writer could not have
 * taken its lock).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const TREE_AUDIT = join(__dirname, '..', '..', 'audit');

export interface AuditDirState {
  /** Every file under it: its path from `audit/`, its size and mtime. */
  files: Map<string, string>;
  /** Chain folder → the writer.json of the process holding it. */
  holders: Map<string, string>;
}

export function auditDirState(dir = TREE_AUDIT): AuditDirState {
  const state: AuditDirState = { files: new Map(), holders: new Map() };
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path, { throwIfNoEntry: false });
        if (stat) state.files.set(relative(dir, path), `${stat.size}:${stat.mtimeMs}`);
        if (entry.name === 'writer.json') state.holders.set(relative(dir, folder), readFileSync(path, 'utf8'));
      }
    }
  };
  walk(dir);
  return state;
}

/** The files under `audit/` the run changed, added or removed, outside chains held throughout by one process. */
export function changedByRun(before: AuditDirState, after: AuditDirState): string[] {
  const heldThroughout = [...after.holders].filter(([folder, holder]) => before.holders.get(folder) === holder).map(([folder]) => folder);
  const paths = new Set([...before.files.keys(), ...after.files.keys()]);
  return [...paths].filter((path) => before.files.get(path) !== after.files.get(path) && !heldThroughout.some((folder) => path.startsWith(`${folder}/`))).sort();
}
