import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { publicKeysFrom } from '../../gateway/audit/checkpoints';
import { auditChains } from '../../gateway/audit/log';
import { verifyTrail } from '../../gateway/audit/verify';
import { DEV_CHECKPOINT_KEY } from '../../gateway/config';
import { generateCounty } from '../../mocks';
import { departmentsWithoutGateway, postOnNewConnection, startGatewayCommand, type Backend } from '../helpers/gateway-command';
import { operation } from '../helpers/stack';

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 20));
};

describe('the gateway command on SIGTERM (a deploy or a scale-down)', () => {
  let backend: Backend;
  // Departments slower than the drain: requests are still in flight when the port closes.
  beforeAll(async () => (backend = await departmentsWithoutGateway(30_000)));
  afterAll(() => backend.backend.stop());

  it('says draining on /readyz, then closes the port and answers every request in flight before it exits', async () => {
    const { child, output, waitForLine, url, auditDir, token: tokenFor } = await startGatewayCommand(backend, [], { GATEWAY_DRAIN_SECONDS: '15', GATEWAY_SHUTDOWN_TIMEOUT_SECONDS: '60' });
    try {
      const readyz = url.replace('/graphql', '/readyz');
      expect((await fetch(readyz)).status).toBe(200);

      const token = await tokenFor('drain-test');
      const codes = generateCounty().projects.slice(20, 26).map((p) => p.code);
      const construction = backend.backend.departments.construction;
      const before = construction.requests.length;
      // Longer than the drain, and the drain far longer than one probe takes even on a loaded machine.
      construction.faults.latencyMs = 18_000;
      const answers = codes.map((code) => postOnNewConnection(url, JSON.stringify({ query: operation('JointReview'), variables: { code } }), { authorization: `Bearer ${token}` }));
      // Every request has reached the department and waits there: all are in flight.
      await until(() => construction.requests.length - before >= codes.length);

      child.kill('SIGTERM');
      await waitForLine(/"msg":"draining/);
      const draining = await fetch(readyz);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({ status: 'draining' });

      const answered = await Promise.all(answers);
      expect(answered.map((a) => [a.status, a.body.errors, a.body.data?.constructionProject?.code])).toEqual(codes.map((code) => [200, undefined, code]));
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(0);
      expect(output.some((l) => l.includes('connections were cut'))).toBe(false);
      expect(output.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

      // Every answer that disclosed data is on the record, and the chain is whole.
      const chains = auditChains(auditDir);
      expect(chains).toHaveLength(1);
      const trail = verifyTrail(chains[0]!.dir, publicKeysFrom([readFileSync(DEV_CHECKPOINT_KEY, 'utf8')]));
      expect(trail.brokenAt).toBeNull();
      expect(trail.records).toBe(codes.length);
    } finally {
      backend.backend.departments.construction.faults.latencyMs = 0;
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
