// Bundles the compiled CLI (dist/src/cli.js) into dist/bundle: one file to load instead of ~780
// modules, which halves the time to the first TUI frame (bench/first-frame.mjs). Commands stay
// lazily loaded: each dynamic import becomes its own chunk.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: start empty so old chunks do not pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: ['dist/src/cli.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // Ink imports it only when DEV=true asks for React DevTools; rotor never does.
  external: ['react-devtools-core'],
  // CommonJS dependencies inside an ES module bundle need a `require`.
  banner: {
    js: "import { createRequire as __rotorCreateRequire } from 'node:module'; const require = __rotorCreateRequire(import.meta.url);",
  },
});
