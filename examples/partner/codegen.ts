/**
 * `npm run example:partner:codegen` writes what a partner system builds its client from:
 *
 * - `schema.graphql`: the API schema this gateway serves, printed from
 *   schema/supergraph.graphql without federation's join__/link machinery and without the
 *   access directives (docs/partners.md says which scope each part needs). Partners
 *   cannot introspect the gateway; this file is how they get the schema.
 * - `generated/graphql.ts`: result and variable types for every operation in
 *   `operations/`, and one typed document per operation that carries only its hash.
 * - `generated/persisted-documents.json`: hash → the text the client sends. This is the
 *   file a partner registers (`npm run partner:register -- … --operations <it>`): the
 *   gateway runs only operations whose SHA-256 was registered (trusted documents).
 *
 * `npm run example:partner:codegen:check` writes nothing and fails when a committed file
 * is stale — also when a supergraph change breaks a partner operation.
 *
 * It drives @graphql-codegen/core and the client preset directly, not
 * @graphql-codegen/cli: every version of the CLI pulls in packages that require Node.js 22
 * (listr2 10, @whatwg-node/fetch 0.12), and this project runs on Node.js 20.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import { codegen } from '@graphql-codegen/core';
import { preset, type ClientPresetConfig } from '@graphql-codegen/client-preset';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { buildSchema, parse } from 'graphql';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { prepareSupergraph } from '../../gateway/supergraph';

const HERE = __dirname;
const ROOT = resolve(HERE, '..', '..');
export const SCHEMA_PATH = join(HERE, 'schema.graphql');
const OPERATIONS_DIR = join(HERE, 'operations');
const GENERATED_DIR = join(HERE, 'generated');

/** The schema a client sees: the supergraph as this gateway serves it, minus federation's machinery. */
export function apiSchemaSdl(supergraphSdl: string): string {
  return printSchema(Supergraph.build(prepareSupergraph(supergraphSdl).sdl).apiSchema());
}

/** Every file this script writes, path → content, computed in memory. */
export async function generatePartnerClientFiles(): Promise<Map<string, string>> {
  const schemaSdl = `${apiSchemaSdl(readFileSync(DEFAULT_SUPERGRAPH, 'utf8'))}\n`;
  const schemaAst = buildSchema(schemaSdl);
  const documents: Types.DocumentFile[] = readdirSync(OPERATIONS_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => {
      const path = join(OPERATIONS_DIR, f);
      const rawSDL = readFileSync(path, 'utf8');
      return { location: relative(ROOT, path), rawSDL, document: parse(rawSDL) };
    });
  const config = {
    documentMode: 'string',
    useTypeImports: true,
    // The gateway's date scalars travel as ISO 8601 strings (2026-11-29, 2026-11-29T08:00:00+08:00).
    scalars: { Date: 'string', DateTime: 'string' },
    strictScalars: true,
    enumType: 'const',
  };
  const presetConfig: ClientPresetConfig = {
    fragmentMasking: false,
    // The generated documents carry only the hash; the text the client sends is the manifest's.
    persistedDocuments: { mode: 'replaceDocumentWithHash', hashAlgorithm: 'sha256' },
  };
  const sections = await preset.buildGeneratesSection({
    baseOutputDir: `${GENERATED_DIR}/`,
    schema: parse(schemaSdl),
    schemaAst,
    documents,
    config,
    presetConfig,
    plugins: [],
    pluginMap: {},
  });
  const files = new Map<string, string>([[SCHEMA_PATH, schemaSdl]]);
  // The `graphql()` tag function (gql.ts) and its index are for documents written inline; ours are files.
  for (const section of sections.filter((s) => /(graphql\.ts|persisted-documents\.json)$/.test(s.filename))) {
    const output = await codegen({ ...section, schemaAst });
    files.set(section.filename, output.endsWith('\n') ? output : `${output}\n`);
  }
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await generatePartnerClientFiles();
  const stale = [...files].filter(([path, content]) => !existsSync(path) || readFileSync(path, 'utf8') !== content).map(([path]) => relative(ROOT, path));
  if (check) {
    if (stale.length) {
      console.error(`stale: ${stale.join(', ')}; run \`npm run example:partner:codegen\` and commit the result`);
      process.exit(1);
    }
    console.log(`examples/partner: schema and generated types are up to date (${files.size} files)`);
    return;
  }
  mkdirSync(GENERATED_DIR, { recursive: true });
  for (const [path, content] of files) writeFileSync(path, content);
  console.log(`wrote ${[...files.keys()].map((p) => relative(ROOT, p)).join(', ')}${stale.length ? '' : ' (unchanged)'}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`codegen failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
