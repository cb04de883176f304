import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile } from 'svelte/compiler';
import { render } from 'svelte/server';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LeaderboardRow, ModelView } from '../../../../src-main/core/api/contract.js';

// Server-renders the real component (compiled by the real Svelte compiler) with real-shaped props.
const repoRoot = resolve(__dirname, '../../../..');
let Leaderboard: Parameters<typeof render>[0];

beforeAll(async () => {
  const source = readFileSync(join(repoRoot, 'src-renderer/components/Leaderboard.svelte'), 'utf8');
  const ts = compile(source, { generate: 'server', filename: 'Leaderboard.svelte' });
  // Written inside the repo so `svelte/internal/server` resolves from node_modules.
  const outDir = join(repoRoot, 'node_modules/.cache/kintsugi-test');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `Leaderboard.${process.pid}.mjs`);
  writeFileSync(file, ts.js.code);
  Leaderboard = ((await import(pathToFileURL(file).href)) as { default: typeof Leaderboard }).default;
});

const board: LeaderboardRow[] = [
  { modelId: 'classical', name: 'Classical (Telea)', task: 'inpaint', source: 'eval-run', runId: '3',
    scores: [{ band: 'band0', psnr: 31.2, ssim: 0.93 }, { band: 'band4', psnr: 19.5, ssim: 0.61 }] },
  { modelId: 'kintsugi-gc', name: 'Kintsugi gated', task: 'inpaint', source: 'eval-run', runId: '3',
    scores: [{ band: 'band0', psnr: 32.4, ssim: 0.94 }, { band: 'band4', psnr: 20.1, ssim: 0.63 }] },
];
const models = [
  { id: 'kintsugi-gc', name: 'Kintsugi gated', task: 'inpaint', family: 'gated-conv', bytes: 1, source: 'bundled', format: 'native',
    isDefault: true, provider: 'cpu', card: '# Kintsugi gated\nTrained <for> 10k steps.' },
] as ModelView[];

describe('Leaderboard (one per task in the Models view)', () => {
  it('ranks inpainting models best first by PSNR, with PSNR / SSIM per hole band and a bar per model and band', () => {
    const { body } = render(Leaderboard, { props: { task: 'inpaint', rows: board, models } });
    const order = [...body.matchAll(/data-testid="leaderboard-row" data-model="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['kintsugi-gc', 'classical']);
    expect(body).toContain('32.40 / 0.9400');
    expect(body).toContain('data-testid="chart-psnr"');
    expect(body).toContain('data-testid="chart-ssim"');
    expect(body.match(/<rect /g)).toHaveLength(2 * 2 * 2); // 2 charts × 2 bands × 2 models
    expect(body).toContain('Kintsugi gated · band4: 20.10 dB');
    expect(body).toContain('· cpu'); // where it runs
    expect(body).toContain('eval run 3');
  });

  it('ranks damage detectors by F1 / IoU of their masks, with non-empty charts', () => {
    const rows: LeaderboardRow[] = [
      { modelId: 'det-a', name: 'Detector A', task: 'detect-damage', source: 'manifest', scores: [{ band: 'heldOut', f1: 0.7587, iou: 0.6113, images: 122 }] },
      { modelId: 'det-b', name: 'Detector B', task: 'detect-damage', source: 'manifest', scores: [{ band: 'heldOut', f1: 0.8, iou: 0.65 }] },
    ];
    const { body } = render(Leaderboard, { props: { task: 'detect-damage', rows, models: [] } });
    expect([...body.matchAll(/data-model="([^"]+)"/g)].map((m) => m[1])).toEqual(['det-b', 'det-a']);
    expect(body).toContain('0.7587 / 0.6113');
    expect(body).toContain('data-testid="chart-f1"');
    expect(body.match(/<rect /g)).toHaveLength(2 * 2);
    expect(body).toContain("card's dev scores");
  });
});
