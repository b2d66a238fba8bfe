/**
 * The files the compiled code reads beside itself (`npm run build:server`): each
 * subgraph's schema.graphql and the composed supergraph, copied into dist/node where
 * the compiled modules look for them, so `node dist/node/...` needs nothing else.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
// `--out <dir>`: beside code compiled elsewhere (the replica test builds a unit of its own).
const outFlag = process.argv.indexOf('--out');
const OUT = outFlag > 0 ? resolve(process.argv[outFlag + 1]!) : join(ROOT, 'dist', 'node');

const assets = [
  join('schema', 'supergraph.graphql'),
  ...readdirSync(join(ROOT, 'subgraphs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(join(ROOT, 'subgraphs', entry.name)).filter((f) => f.endsWith('.graphql')).map((f) => join('subgraphs', entry.name, f))),
];
for (const asset of assets) {
  mkdirSync(dirname(join(OUT, asset)), { recursive: true });
  copyFileSync(join(ROOT, asset), join(OUT, asset));
}
console.log(`copied ${assets.length} files beside the compiled code: ${assets.join(', ')}`);
