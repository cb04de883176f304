import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const require = createRequire(import.meta.url);

// The packaging config is checked against electron-builder's own schema, and for what the app needs at run time.
it('electron-builder.yml is valid and unpacks native modules and models', async () => {
  const yaml = require('js-yaml') as { load(s: string): Record<string, unknown> };
  const config = yaml.load(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8'));
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration(c: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
  const unpack = config.asarUnpack as string[];
  for (const m of ['better-sqlite3', 'sharp', '@img', 'onnxruntime-node']) expect(unpack.some((p) => p.includes(`node_modules/${m}/`))).toBe(true);
  expect(JSON.stringify(config.extraResources)).toContain('*.onnx');
  expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
  expect((config.win as { target: string[] }).target).toEqual(['nsis']);
  expect((config.mac as { target: string[] }).target).toEqual(['dmg']);
});
