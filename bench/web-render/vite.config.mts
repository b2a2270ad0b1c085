import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page's own upload-log table and styles, bundled alone, for bench/web.ts to render in Chromium.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: '../.data/web-render', emptyOutDir: true, assetsInlineLimit: 0 },
});
