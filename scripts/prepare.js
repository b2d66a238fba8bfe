// `npm install` builds the web pages. A deployable unit is installed with `npm ci --omit=dev`:
// it has no vite, and needs none, because `npm run build` already put the pages in dist/web.
const { execSync } = require('node:child_process');

try {
  require.resolve('vite');
} catch {
  console.log('prepare: no dev dependencies (npm ci --omit=dev); the web pages are the ones `npm run build` put in dist/web');
  process.exit(0);
}
execSync('npm run build:web', { stdio: 'inherit' });
