/**
 * Where the project's own files are, the same whether the code runs from source (tsx) or
 * compiled (`npm run build`, then `node dist/node/...`): taken from the folder holding
 * package.json. (Files a module reads beside itself, a subgraph's schema.graphql, are
 * copied beside the compiled module instead: scripts/build-assets.ts.)
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}: run from the project folder or a built unit (package.json beside dist/)`);
  }
}

export const PROJECT_ROOT = projectRoot(__dirname);

/** The web pages `npm run build:web` writes (the explorer, the dashboard). */
export const WEB_BUILD_DIR = join(PROJECT_ROOT, 'dist', 'web');

/** Development keys and registrations, made on first use, git-ignored, never used in production. */
export const DEV_KEYS_DIR = join(PROJECT_ROOT, '.dev-keys');
