// vite.config.js - builds the console into ui/dist for cairn to embed (served under /ui/).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,       // no data: URLs beyond what the CSP allows for images
    modulePreload: { polyfill: false },   // the polyfill is an inline script, which the CSP refuses
    target: 'es2022',
  },
});
