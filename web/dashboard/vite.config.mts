import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * 联审工作台, built into dist/web/dashboard and served by the gateway under /dashboard/
 * (GatewayOptions.sites): every script and style comes from the gateway, none from a CDN.
 */
export default defineConfig({
  root: here('.'),
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: here('../../dist/web/dashboard'),
    emptyOutDir: true,
  },
});
