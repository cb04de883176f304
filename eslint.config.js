// Where code may run is visible in its path (see ../shared/STYLE.md): this config makes the layering a
// build error instead of a convention. Only the import rules are enforced here; tsc does the type checks.
import svelteParser from 'svelte-eslint-parser';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'stream', 'http', 'net'];
const nativeAdapters = ['sharp', 'onnxruntime-node', 'better-sqlite3', 'ws'];

const restrict = (names, why) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [{ group: names, message: why }],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-artifacts/**', 'models/**'] },
  {
    files: ['src-main/**/*.ts', 'src-renderer/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
  },
  {
    // Svelte components: svelte-eslint-parser reads the markup, typescript-eslint the <script lang="ts">.
    files: ['src-renderer/**/*.svelte'],
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: restrict(['electron', ...nodeBuiltins, ...nativeAdapters], 'src-main/core is pure TypeScript: no electron, no node:*, no native adapters (put adapters in src-main/node).'),
  },
  {
    files: ['src-main/node/**/*.ts', 'src-main/workers/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/web-host/**/*.ts'],
    rules: restrict(['electron'], 'Only src-main/electron and src-main/preload may import electron.'),
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    ignores: ['src-renderer/vite.config.ts'],
    rules: restrict(['electron', ...nodeBuiltins, ...nativeAdapters, '**/src-main/**', '@core/../**'], 'The renderer runs in a sandboxed page: it talks only to the typed API (src-renderer/lib/api) and imports shared code as @core/* (src-main/core), nothing else of src-main.'),
  },
);
