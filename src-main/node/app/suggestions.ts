/**
 * A detection's suggestions in the editor: what the detector's first look marked but its proposal leaves out
 * (areas thick enough to be white clothing or a tear; thin lines a second, larger look doubted — a scratch, or
 * rigging?). They are stored with the detection's history entry (a gray mask blob), shown tinted under the
 * mask, and added by the person — all of them, or one mark at a time — as a history step of their own.
 */
import sharp from 'sharp';
import type { SuggestionsView } from '../../core/api/contract.js';
import { badInput } from '../../core/errors.js';
import { flood8 } from '../../core/flood.js';
import { connectedComponents, countHoles } from '../../core/mask.js';
import type { Mask } from '../../core/image.js';
import type { HistoryEntry } from '../store/history-repo.js';
import { maskToPng } from './mask-png.js';

/** How suggestions are stored in a detection's payload (`suggested`). */
export interface StoredSuggestions {
  /** Blob id of a gray PNG, white = suggested. */
  id: string;
  pixels: number;
  marks: number;
}

/** Display tint of suggested pixels (amber, so it reads apart from the red mask). */
const TINT = [255, 176, 0, 150] as const;

/** How far from a click a suggested mark is still picked (image pixels). */
export const PICK_RADIUS = 8;

/** Stores `mask` as suggestions (a gray PNG blob and its counts); null when it has none. */
export async function storeSuggestions(blobs: { put(bytes: Uint8Array): string }, mask: Mask): Promise<StoredSuggestions | null> {
  const pixels = countHoles(mask);
  if (pixels === 0) return null;
  return { id: blobs.put(await maskToPng(mask)), pixels, marks: connectedComponents(mask).length };
}

/**
 * The suggestions standing at entry `at`: those of the last detection at or before it. A restore, a tone step
 * or a newer detection ends them (the suggestions were about the picture the detector saw); painting,
 * clearing and importing a mask do not.
 */
export function suggestionsAt(entries: readonly HistoryEntry[], at: number): StoredSuggestions | null {
  for (let i = at; i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === 'detect') return readStored((e.payload as { suggested?: unknown }).suggested);
    if (e.kind === 'open' || e.kind === 'restore' || e.kind === 'tone') return null;
  }
  return null;
}

function readStored(v: unknown): StoredSuggestions | null {
  if (!v || typeof v !== 'object') return null;
  const s = v as Partial<StoredSuggestions>;
  return typeof s.id === 'string' && typeof s.pixels === 'number' && typeof s.marks === 'number' ? { id: s.id, pixels: s.pixels, marks: s.marks } : null;
}

/** What the renderer gets: the tinted picture's blob id (derived from the stored one) and the counts. */
export function suggestionsView(s: StoredSuggestions | null): SuggestionsView | null {
  return s ? { blobId: `sugg-${s.id}`, pixels: s.pixels, marks: s.marks } : null;
}

/** The stored blob id behind a tinted suggestions blob id, or null when `id` is not one. */
export function storedIdOf(tintedId: string): string | null {
  return tintedId.startsWith('sugg-') ? tintedId.slice(5) : null;
}

/** The gray suggestions PNG as an RGBA PNG: tinted where suggested, transparent elsewhere. */
export async function tintSuggestions(grayPng: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(grayPng).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0; i < data.length; i++) {
    if (data[i]! > 127) out.set(TINT, i * 4);
  }
  return sharp(out, { raw: { width: info.width, height: info.height, channels: 4 } }).png({ compressionLevel: 3 }).toBuffer();
}

/**
 * Splits the suggestions into what a person adds and what stays suggested: everything (no `at`), or the one
 * suggested mark nearest `at` within PICK_RADIUS. Throws when there is no suggested mark there.
 */
export function takeSuggestions(suggested: Mask, at?: { x: number; y: number }): { take: Mask; rest: Mask } {
  const { width, height, data } = suggested;
  if (!at) return { take: suggested, rest: { width, height, data: new Uint8Array(data.length) } };
  const start = nearestMarked(suggested, at.x, at.y, PICK_RADIUS);
  if (start < 0) throw badInput(undefined, `no suggested mark within ${PICK_RADIUS} px of (${at.x}, ${at.y})`);
  const take = new Uint8Array(data.length);
  flood8(start, width, height, (i) => data[i]! > 127, take);
  const rest = data.map((v, i) => (take[i] ? 0 : v));
  return { take: { width, height, data: take }, rest: { width, height, data: rest } };
}

/** Index of the marked pixel nearest (x, y) within `radius` (-1: none). */
function nearestMarked(mask: Mask, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let yy = Math.max(0, y - radius); yy <= Math.min(mask.height - 1, y + radius); yy++) {
    for (let xx = Math.max(0, x - radius); xx <= Math.min(mask.width - 1, x + radius); xx++) {
      const d = (xx - x) ** 2 + (yy - y) ** 2;
      if (d <= radius * radius && d < bestD && mask.data[yy * mask.width + xx]! > 127) {
        bestD = d;
        best = yy * mask.width + xx;
      }
    }
  }
  return best;
}
