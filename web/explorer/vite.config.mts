import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Built into dist/web/explorer and served by the gateway under /explorer/ (gateway/explorer.ts). */
export default defineConfig({
  root: here('.'),
  base: '/explorer/',
  plugins: [react()],
  // Monaco's workers import modules: bundle them as ES modules beside the page.
  worker: { format: 'es' },
  build: {
    outDir: here('../../dist/web/explorer'),
    emptyOutDir: true,
    // Served by the gateway on a closed network: the editor is one big chunk, and that is fine.
    chunkSizeWarningLimit: 8000,
    // GraphiQL's "use no memo" directives are for the React compiler, which this build does not run.
    rolldownOptions: { checks: { moduleLevelDirective: false } },
  },
});
