import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Builds the UI into renderer/dist, which the engine's local server serves (strict CSP: no inline code).
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, modulePreload: { polyfill: false } },
});
