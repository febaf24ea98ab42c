// Vite builds the client into dist/, which `parley serve --web-root` serves. JSX is compiled
// by esbuild straight to Preact's runtime, so no Babel preset is needed.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
