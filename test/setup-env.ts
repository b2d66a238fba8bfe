import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The tests start gateways in this process, as the entry points do: nothing is sent to Apollo
// (a closed network makes every gateway stop wait on the unreachable host).
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

// Each test file's own trail for what it starts with `{ ...process.env }` and no AUDIT_DIR of
// its own: never the working tree's audit/ (npm start's), nor another file's (a chain has one writer).
process.env.AUDIT_DIR = mkdtempSync(join(tmpdir(), 'audit-'));
