/**
 * Runs renderer modules on a real canvas: bundles them with esbuild into one script, loads it into a blank
 * Chromium page (Debian's, through playwright-core) and lets a test evaluate code against them there. For
 * code whose behaviour is its pixels (the mask canvas, the brush), where a fake 2D context would only test
 * the fake. Runes modules (`*.svelte.ts`) are compiled by the real Svelte compiler on the way in.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { build, transform, type Plugin } from 'esbuild';
import { compileModule } from 'svelte/compiler';
import { launchBrowser, type BrowserSession } from '../../../e2e/support/browser.js';

/** `*.svelte.ts` / `*.svelte.js`: TypeScript stripped, then Svelte's compileModule (runes → signals), as Vite's plugin does. */
const svelteRunes: Plugin = {
  name: 'svelte-runes',
  setup(b) {
    b.onLoad({ filter: /\.svelte\.(ts|js)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const js = args.path.endsWith('.ts') ? (await transform(source, { loader: 'ts', format: 'esm', target: 'esnext' })).code : source;
      const out = compileModule(js, { generate: 'client', filename: args.path });
      return { contents: out.js.code, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** A page with the bundle loaded; its exports are on `window.__under_test`. */
export interface ModulePage {
  session: BrowserSession;
  /** Evaluates `fn(exports, arg)` in the page and returns its (JSON-serialisable) result. */
  run<A, R>(fn: (mod: Record<string, never>, arg: A) => R | Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}

/** Bundles `entry` (a TypeScript source that re-exports what the test needs) and opens it in Chromium. */
export async function openModulePage(entryContents: string, resolveDir: string): Promise<ModulePage> {
  const out = await build({
    stdin: { contents: entryContents, resolveDir, loader: 'ts', sourcefile: 'under-test.ts' },
    bundle: true,
    format: 'iife',
    globalName: '__under_test',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    alias: { '@core': resolve(__dirname, '../../../../src-main/core') },
    plugins: [svelteRunes],
  });
  const session = await launchBrowser({ width: 400, height: 300 });
  await session.page.setContent('<!doctype html><html><body></body></html>');
  await session.page.addScriptTag({ content: out.outputFiles[0]!.text });
  return {
    session,
    run: (fn, arg) =>
      session.page.evaluate(
        // The function travels as source text; it finds the bundle's exports on window.
        ([src, a]) => (new Function('mod', 'arg', `return (${src})(mod, arg);`) as (m: unknown, x: unknown) => unknown)((globalThis as unknown as { __under_test: unknown }).__under_test, a),
        [fn.toString(), arg] as const,
      ) as never,
    close: () => session.close(),
  };
}
