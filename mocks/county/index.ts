/** A deterministic 从江县: generateCounty(seed) is the same on every machine for the same seed. */
import { chooseEdgeCases } from './edge-cases';
import { generateRecords, signRecords } from './generation';
import { DEFAULT_SEED, type County, type EdgeCaseName } from './model';

export * from './model';

export function generateCounty(seed: number = DEFAULT_SEED): County {
  const county = generateRecords(seed);
  const chosen = chooseEdgeCases(county);
  for (const [edgeCase, project] of chosen) if (!edgeCase.afterSigning) edgeCase.make?.(project, county);
  signRecords(county);
  for (const [edgeCase, project] of chosen) if (edgeCase.afterSigning) edgeCase.make?.(project, county);
  const edgeCases = Object.fromEntries([...chosen].map(([edgeCase, project]) => [edgeCase.name, project.code])) as Record<EdgeCaseName, string>;
  return { ...county, edgeCases };
}
