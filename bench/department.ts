/**
 * One mock department system of the benchmark's backend, in its own process, so the
 * benchmark can tell its CPU from the subgraphs' (bench/backend.ts starts one per
 * department). `node --import tsx bench/department.ts <department>` prints its URL and
 * e-licence public key as one JSON line, then serves until killed. Latency starts at
 * 0 ms (land's mock is slow by default); the benchmark sets it through `/__admin/faults`.
 */
import { createDepartments, generateCounty, serveDepartment, type DepartmentId } from '../mocks';

const DEPARTMENTS: readonly DepartmentId[] = ['enterprise', 'land', 'construction', 'approval'];

async function main() {
  const id = process.argv[2] as DepartmentId;
  if (!DEPARTMENTS.includes(id)) throw new Error(`usage: bench/department.ts <${DEPARTMENTS.join('|')}>`);
  // The same seed in every process: the same county, so the departments agree with each other as they do in one process.
  const departments = createDepartments(generateCounty(), { [id]: { latencyMs: 0, failureRate: 0, down: false } });
  const served = await serveDepartment(departments[id], 0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ department: id, url: served.url, publicKeyPem: departments[id].publicKeyPem })}\n`);
  process.once('SIGTERM', () => void served.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
