/**
 * Real photos and masks for the batch tests, generated into a tmp folder from the shared dev-eval photos
 * (read from ../shared, never copied into the repo).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { AppEvent, BatchStatus } from '../../../src-main/core/api/contract.js';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');
const devImages = path.join(sharedData, 'dev-eval/images');

/** Sorted list of dev-eval photos (481×321 or 321×481 PNGs). */
export async function devPhotos(): Promise<string[]> {
  return (await readdir(devImages)).filter((n) => n.endsWith('.png')).sort().map((n) => path.join(devImages, n));
}

/** A mask the size of the photo with a few white scratches, deterministic per `seed`. */
export async function scratchMask(width: number, height: number, seed: number): Promise<Buffer> {
  let s = seed * 9301 + 49297;
  const rnd = (): number => {
    s = (s * 9301 + 49297) % 233280;
    return s / 233280;
  };
  const lines: string[] = [];
  for (let i = 0; i < 3; i++) {
    const x1 = Math.round(rnd() * width), y1 = Math.round(rnd() * height);
    const x2 = Math.round(rnd() * width), y2 = Math.round(rnd() * height);
    lines.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#fff" stroke-width="${3 + Math.round(rnd() * 6)}"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).greyscale().png().toBuffer();
}

export interface MadePhoto {
  rel: string;
  abs: string;
  width: number;
  height: number;
}

/**
 * Writes `count` photos into `dir` (alternating PNG and JPEG, optionally under `sub/`), scaled by
 * `scale`, and a mask for each into `maskDir` (PNG, matched by stem) when given.
 */
export async function makePhotos(
  dir: string,
  count: number,
  opts: { maskDir?: string; scale?: number; offset?: number; subdirEvery?: number } = {},
): Promise<MadePhoto[]> {
  const photos = await devPhotos();
  const made: MadePhoto[] = [];
  for (let i = 0; i < count; i++) {
    const src = photos[(i + (opts.offset ?? 0)) % photos.length]!;
    const ext = i % 2 === 0 ? '.png' : '.jpg';
    const sub = opts.subdirEvery !== undefined && i % opts.subdirEvery === opts.subdirEvery - 1 ? 'sub/' : '';
    const rel = `${sub}photo-${String(i).padStart(3, '0')}${ext}`;
    const abs = path.join(dir, ...rel.split('/'));
    await mkdir(path.dirname(abs), { recursive: true });
    const meta = await sharp(src).metadata();
    const width = Math.round(meta.width! * (opts.scale ?? 1));
    const height = Math.round(meta.height! * (opts.scale ?? 1));
    let img = sharp(src).resize(width, height);
    img = ext === '.png' ? img.png() : img.jpeg({ quality: 92 });
    await img.toFile(abs);
    if (opts.maskDir !== undefined) {
      const maskAbs = path.join(opts.maskDir, ...`${sub}photo-${String(i).padStart(3, '0')}.png`.split('/'));
      await mkdir(path.dirname(maskAbs), { recursive: true });
      await sharp(await scratchMask(width, height, i + 1)).toFile(maskAbs);
    }
    made.push({ rel, abs, width, height });
  }
  return made;
}

export async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** Decoded pixels, for pixel-equality between two runs' outputs. */
export async function pixels(file: string): Promise<{ data: Buffer; width: number; height: number; channels: number; format: string }> {
  const meta = await sharp(file).metadata();
  const { data, info } = await sharp(file).raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels, format: meta.format };
}

/** Resolves with a batch's last status once the app's events say it ended (done, cancelled or failed). */
export function batchEnded(events: readonly AppEvent[], batchId: string): Promise<BatchStatus> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const last = events.filter((e) => e.type === 'batch' && e.batchId === batchId).at(-1);
      if (last?.type === 'batch' && ['done', 'cancelled', 'failed'].includes(last.status.state)) {
        clearInterval(timer);
        resolve(last.status);
      }
    }, 50);
  });
}
