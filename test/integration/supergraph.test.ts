import { readFileSync } from 'node:fs';
import { composeFromConfig, SUPERGRAPH_PATH } from '../../scripts/compose';

describe('schema/supergraph.graphql', () => {
  it('is what the subgraph schemas compose to today (run `npm run compose` when this fails)', () => {
    const composition = composeFromConfig();
    if (!composition.ok) throw new Error(`composition failed:\n${composition.errors.join('\n')}`);
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composition.supergraphSdl);
  });
});
