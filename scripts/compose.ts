/**
 * `npm run compose` writes schema/supergraph.graphql from the subgraphs named in
 * schema/subgraphs.json; `npm run compose:check` fails when the checked-in file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const ROOT = resolve(__dirname, '..');
export const SUPERGRAPH_PATH = join(ROOT, 'schema', 'supergraph.graphql');
const CONFIG_PATH = join(ROOT, 'schema', 'subgraphs.json');

interface ComposeConfig {
  subgraphs: { name: string; schema: string; url: string }[];
}

export type Composition = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function composeFromConfig(configPath = CONFIG_PATH): Composition {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as ComposeConfig;
  const services = config.subgraphs.map((s) => ({
    name: s.name,
    url: s.url,
    typeDefs: parse(readFileSync(join(ROOT, s.schema), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    return { ok: false, errors: result.errors.map((e) => `${e.extensions.code ?? 'COMPOSITION_ERROR'}: ${e.message}`) };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl };
}

function main(): void {
  const check = process.argv.includes('--check');
  const composition = composeFromConfig();
  if (!composition.ok) {
    console.error(`composition failed with ${composition.errors.length} error(s):`);
    for (const error of composition.errors) console.error(`  - ${error}`);
    process.exit(1);
  }
  if (check) {
    const current = readFileSync(SUPERGRAPH_PATH, 'utf8');
    if (current !== composition.supergraphSdl) {
      console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit the result');
      process.exit(1);
    }
    console.log('schema/supergraph.graphql is up to date');
    return;
  }
  writeFileSync(SUPERGRAPH_PATH, composition.supergraphSdl);
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}

if (require.main === module) main();
