import sharp, { type OverlayOptions } from 'sharp';
import { escapeXml } from './labels.js';

/** One before/after pair on a contact sheet. */
export interface SheetPair {
  caption: string;
  beforePath: string;
  afterPath: string;
}

export interface SheetOptions {
  /** Longest side of each thumbnail. */
  thumb?: number;
  /** Pairs per row. */
  columns?: number;
}

/** Geometry of a sheet, exported so tests can check sizes without re-deriving them. */
export function sheetSize(pairs: number, opts: SheetOptions = {}): { width: number; height: number; cell: { width: number; height: number } } {
  const thumb = opts.thumb ?? 200;
  const columns = Math.max(1, Math.min(opts.columns ?? 4, pairs));
  const pad = 12;
  const caption = 22;
  const cell = { width: 2 * thumb + 4 + 2 * pad, height: thumb + caption + 2 * pad };
  const rows = Math.max(1, Math.ceil(pairs / columns));
  return { width: columns * cell.width, height: rows * cell.height, cell };
}

async function thumbnail(file: string, size: number): Promise<{ input: Buffer; raw: { width: number; height: number; channels: 3 } } | null> {
  try {
    const { data, info } = await sharp(file)
      .rotate()
      .resize(size, size, { fit: 'inside' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { input: data, raw: { width: info.width, height: info.height, channels: 3 } };
  } catch {
    return null; // a vanished or unreadable file leaves an empty slot, not a failed sheet
  }
}

/**
 * A grid of before/after thumbnail pairs with file names, so a whole batch can be reviewed at a glance.
 * Returns encoded JPEG bytes.
 */
export async function contactSheet(pairs: SheetPair[], opts: SheetOptions = {}): Promise<Buffer> {
  const thumb = opts.thumb ?? 200;
  const size = sheetSize(pairs.length, opts);
  const columns = Math.max(1, Math.min(opts.columns ?? 4, pairs.length));
  const layers: OverlayOptions[] = [];
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    const x0 = (i % columns) * size.cell.width + 12;
    const y0 = Math.floor(i / columns) * size.cell.height + 12;
    const [b, a] = await Promise.all([thumbnail(p.beforePath, thumb), thumbnail(p.afterPath, thumb)]);
    if (b) layers.push({ ...b, left: x0 + thumb - b.raw.width, top: y0 + Math.floor((thumb - b.raw.height) / 2) });
    if (a) layers.push({ ...a, left: x0 + thumb + 4, top: y0 + Math.floor((thumb - a.raw.height) / 2) });
    const w = 2 * thumb + 4;
    const maxChars = Math.floor(w / 7);
    const text = p.caption.length > maxChars ? '…' + p.caption.slice(p.caption.length - maxChars + 1) : p.caption;
    layers.push({
      input: Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20"><text x="${w / 2}" y="15" text-anchor="middle" ` +
          `font-family="DejaVu Sans, sans-serif" font-size="12" fill="#222">${escapeXml(text)}</text></svg>`,
      ),
      left: x0,
      top: y0 + thumb + 2,
    });
  }
  return sharp({ create: { width: size.width, height: size.height, channels: 3, background: '#f4f4f4' } })
    .composite(layers)
    .jpeg({ quality: 85, mozjpeg: true })
    .toBuffer();
}
