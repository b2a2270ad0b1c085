import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// `npm run dev:web` proxies the API to a service started with `npm start` (PORT 4000 unless API_URL says otherwise).
const api = process.env.API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would be data: URLs in the stylesheet; the CSP allows them for images only, so every font stays a file.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    proxy: Object.fromEntries(['/graphql', '/templates', '/upload-batches', '/healthz'].map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
