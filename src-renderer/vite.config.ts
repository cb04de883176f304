import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The renderer is a static bundle: Electron loads it from the asar, the web host serves it from
// dist/renderer. `base: './'` keeps every asset URL relative so both work.
export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  // @core/*: the code shared with main (src-main/core), as in tsconfig.json's paths.
  resolve: { alias: { '@core': fileURLToPath(new URL('../src-main/core', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
