import path from 'node:path';
import sharp from 'sharp';
import { badInput } from '../../core/errors.js';
import { composeComparison, type CompareLayout } from './layouts.js';
import { loadForCompare, type ComparePixels } from './load.js';
import { sliderHtml } from './slider-html.js';
import { writeFileAtomic } from '../atomic-write.js';
import { checkOutputFile } from '../output-folder.js';
import { WriteGuard } from '../output-guard.js';

/** Picture formats a comparison can be written in, by the output's extension; `.html` makes a slider page. */
const ENCODERS: Record<string, (s: sharp.Sharp) => sharp.Sharp> = {
  '.jpg': (s) => s.jpeg({ quality: 90, mozjpeg: true }),
  '.jpeg': (s) => s.jpeg({ quality: 90, mozjpeg: true }),
  '.png': (s) => s.png(),
  '.webp': (s) => s.webp({ quality: 90 }),
  '.avif': (s) => s.avif({ quality: 70 }),
  '.tif': (s) => s.tiff({ compression: 'lzw' }),
  '.tiff': (s) => s.tiff({ compression: 'lzw' }),
};

/** Extensions `compare --out` accepts. */
export const COMPARE_OUTPUT_EXTENSIONS: readonly string[] = [...Object.keys(ENCODERS), '.html', '.htm'];

export interface CompareOptions {
  layout?: CompareLayout;
  labels?: [string, string];
  /** Split position 0..1 (split layout and the slider's start). */
  position?: number;
  /** More files the output must never replace (a batch protects its inputs, masks and ledger). */
  guard?: WriteGuard;
}

/** What was written, for the CLI's message and `--json`. */
export interface CompareResult {
  outPath: string;
  kind: 'image' | 'html';
  layout: CompareLayout | 'slider';
  width: number;
  height: number;
  bytes: number;
}

/** Parses `--labels "Before,After"`; a missing half stays empty (no label drawn). */
export function parseLabels(text: string | undefined): [string, string] {
  if (text === undefined) return ['Before', 'After'];
  const i = text.indexOf(',');
  return i < 0 ? [text.trim(), ''] : [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

async function loadPair(beforePath: string, afterPath: string): Promise<[ComparePixels, ComparePixels]> {
  const before = await loadForCompare(beforePath);
  const after = await loadForCompare(afterPath, { width: before.width, height: before.height });
  return [before, after];
}

async function dataUri(p: ComparePixels): Promise<string> {
  const jpeg = await sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } })
    .jpeg({ quality: 90, mozjpeg: true })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

/** What `renderComparison` makes: a picture in one of the layouts, or the one-file slider page. */
export interface RenderOptions {
  layout: CompareLayout | 'slider';
  labels: [string, string];
  position?: number;
  /** The picture's extension (one of COMPARE_OUTPUT_EXTENSIONS but .html); ignored for the slider. */
  ext?: string;
  /** The slider page's title. */
  title?: string;
}

/**
 * A before/after comparison as bytes: a labelled side-by-side, stacked or split picture encoded by `ext`, or
 * the slider page. The one renderer behind `kintsugi compare` and the app's comparison export.
 */
export async function renderComparison(before: ComparePixels, after: ComparePixels, opts: RenderOptions): Promise<{ bytes: Buffer; width: number; height: number }> {
  const { labels } = opts;
  if (opts.layout === 'slider') {
    const html = sliderHtml({
      title: opts.title ?? `${labels[0] || 'before'} / ${labels[1] || 'after'}`,
      beforeUri: await dataUri(before),
      afterUri: await dataUri(after),
      labels,
      width: before.width,
      height: before.height,
    });
    return { bytes: Buffer.from(html), width: before.width, height: before.height };
  }
  const encode = ENCODERS[opts.ext ?? '.png'];
  if (!encode) throw badInput(undefined, `unsupported comparison format "${opts.ext}"`);
  const composed = composeComparison(before, after, { layout: opts.layout, labels, ...(opts.position !== undefined ? { position: opts.position } : {}) });
  // Flatten the composite first: encoders see one plain picture, whatever the overlays were.
  const flat = await composed.raw().toBuffer({ resolveWithObject: true });
  const bytes = await encode(sharp(flat.data, { raw: { width: flat.info.width, height: flat.info.height, channels: flat.info.channels } })).toBuffer();
  return { bytes, width: flat.info.width, height: flat.info.height };
}

/**
 * Makes one before/after comparison file: a labelled side-by-side, stacked or split picture, or (when
 * `outPath` ends in .html) a one-file slider page. The after picture is fitted to the before's size.
 * Neither input is ever written; the output appears atomically.
 */
export async function compareFiles(
  beforePath: string,
  afterPath: string,
  outPath: string,
  opts: CompareOptions = {},
): Promise<CompareResult> {
  const out = path.resolve(outPath);
  const ext = path.extname(out).toLowerCase();
  if (ext !== '.html' && ext !== '.htm' && ENCODERS[ext] === undefined) {
    throw badInput(outPath, `unsupported comparison format "${ext || '(none)'}"; use one of ${COMPARE_OUTPUT_EXTENSIONS.join(', ')}`);
  }
  // By identity, not spelling: a link or another name for either photo is refused too.
  const guard = await WriteGuard.create([
    { path: beforePath, role: 'before photo' },
    { path: afterPath, role: 'after photo' },
  ]);
  await guard.check(outPath, 'comparison');
  await opts.guard?.check(outPath, 'comparison');
  await checkOutputFile(outPath);
  const labels = opts.labels ?? ['Before', 'After'];
  const [before, after] = await loadPair(beforePath, afterPath);
  if (ext === '.html' || ext === '.htm') {
    const title = `${path.basename(beforePath)} — ${labels[0] || 'before'} / ${labels[1] || 'after'}`;
    const page = await renderComparison(before, after, { layout: 'slider', labels, title });
    await writeFileAtomic(out, page.bytes);
    return { outPath: out, kind: 'html', layout: 'slider', width: page.width, height: page.height, bytes: page.bytes.length };
  }
  const layout = opts.layout ?? 'side-by-side';
  const pic = await renderComparison(before, after, { layout, labels, ext, ...(opts.position !== undefined ? { position: opts.position } : {}) });
  await writeFileAtomic(out, pic.bytes);
  return { outPath: out, kind: 'image', layout, width: pic.width, height: pic.height, bytes: pic.bytes.length };
}
