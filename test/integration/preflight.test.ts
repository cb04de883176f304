/**
 * scripts/preflight.js, the first step of `npm test`: on a machine missing things it prints ONE line naming
 * each missing Debian package and how to get it, and exits 1 before anything else runs; on this machine
 * (which runs the whole suite) it is silent.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// Plain JavaScript (it must run before anything is installed): typed by the casts below.
import { DEFAULTS, findMissing, preflightLine } from '../../scripts/preflight.js';
import { tempDir } from '../support/temp-dir.js';

const repoRoot = resolve(__dirname, '../..');
const script = join(repoRoot, 'scripts/preflight.js');

interface Missing { packages: string[]; other: string[] }
const find = findMissing as (where: typeof DEFAULTS) => Missing;
const line = preflightLine as (m: Missing) => string | undefined;

describe('npm test preflight', () => {
  it('is silent and exits 0 where everything the suite needs is installed', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('names every missing Debian package, the npm install and the data folder on a bare machine', () => {
    const bare = tempDir('kintsugi-preflight-');
    const missing = find({ root: bare, python: join(bare, 'python3'), chromium: join(bare, 'chromium'), sharedData: join(bare, 'data') });
    expect(missing.packages).toEqual(['python3', 'python3-torch', 'python3-onnx', 'python3-opencv', 'python3-skimage', 'chromium']);
    expect(missing.other).toHaveLength(2);
    const text = line(missing)!;
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('npm run setup:system');
    expect(text).toContain('sudo apt-get install python3 python3-torch python3-onnx python3-opencv python3-skimage chromium');
    expect(text).toContain('npm ci');
    expect(text).toContain(join(bare, 'data'));
  });

  it('maps the Python modules the interpreter cannot find to their Debian packages', () => {
    const dir = tempDir('kintsugi-preflight-');
    // A stand-in interpreter that answers the probe as a Python without OpenCV and scikit-image would.
    const python = join(dir, 'python3');
    writeFileSync(python, '#!/bin/sh\nprintf "cv2\\nskimage\\n"\n');
    chmodSync(python, 0o755);
    const missing = find({ ...DEFAULTS, python, chromium: process.execPath, sharedData: dir });
    expect(missing.packages).toEqual(['python3-opencv', 'python3-skimage']);
    expect(line(missing)).toBe(
      'npm test needs python3-opencv python3-skimage (run `npm run setup:system`, or: sudo apt-get install python3-opencv python3-skimage)',
    );
  });

  it('prints its line on stderr and exits 1 before the suite starts', () => {
    // Run a copy of the script from a folder with no node_modules and no ../shared/data beside it.
    const dir = tempDir('kintsugi-preflight-');
    const copy = join(dir, 'scripts', 'preflight.js');
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(script, copy);
    const r = spawnSync(process.execPath, [copy], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^npm test needs .*npm ci/);
  });
});
