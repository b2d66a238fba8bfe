import { startFederationFixture, type FederationFixture } from './fixture';

/** One shop supergraph behind our gateway for the whole test file, fetch logs cleared per test. */
export function useFederationFixture(): () => FederationFixture {
  let fixture: FederationFixture;
  beforeAll(async () => {
    fixture = await startFederationFixture();
  });
  afterAll(() => fixture.stop());
  beforeEach(() => fixture.reset());
  return () => fixture;
}
