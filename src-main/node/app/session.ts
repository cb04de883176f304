/**
 * One open photo: the decoded original (never written), its project and history in the library, and the
 * state at the history cursor (mask coverage + the latest result). History entries are commands or
 * deltas: strokes are point lists, detect / restore / clear / mask-import / tone are keyframes holding blob
 * ids of the mask and result they leave behind, so any entry is rebuilt from the keyframe at or before it
 * plus the strokes after it. Moving the cursor never re-runs inference.
 *
 * "Fix fading and colour" is a layer over the repairs: every keyframe also names the photo before the tone
 * (`base`, what detect and restore work on) and the tone settings with the full correction (`tone`), so a
 * later restore can re-apply the tone and undo restores both.
 */
import { basename, extname } from 'node:path';
import sharp from 'sharp';
import type { DetectMode, HistoryCommand, HistoryEntryView, HistoryKind, HistoryView, SessionView, StrokeCommand, ToneView } from '../../core/api/contract.js';
import { replayFrom } from '../../core/api/history.js';
import { countCoverageHoles, countCoverageHolesIn, paintStroke, strokeBox, toBinaryMask, type CoverageMask } from '../../core/api/stroke-raster.js';
import { traceCrack } from '../../core/crack-wand.js';
import { badInput } from '../../core/errors.js';
import type { Mask, Raster } from '../../core/image.js';
import { encodeImage, rasterToPng, readImage, readMask, type DecodedImage } from '../image-io.js';
import type { HistoryEntry } from '../store/history-repo.js';
import type { Library } from '../store/library.js';
import type { Project } from '../store/projects-repo.js';
import { maskToPng, pngToMask } from './mask-png.js';
import { storedIdOf, storeSuggestions, suggestionsAt, suggestionsView, takeSuggestions, tintSuggestions, type StoredSuggestions } from './suggestions.js';

/** Working-copy pixels the crack wand's erase takes around the lines it selects. */
const ERASE_MARGIN = 2;

/** What every keyframe's payload holds: the mask and result it leaves (blob ids), plus details. */
export interface KeyframePayload {
  mask: string | null;
  result: string | null;
  /** The photo before the tone (blob id; null = the original); absent in entries from before the tone step. */
  base?: string | null;
  /** The tone at this entry (null or absent: off). */
  tone?: ToneState | null;
  modelId?: string;
  provider?: string;
  [k: string]: unknown;
}

/** Fix fading and colour as stored in a keyframe: the settings and the full correction of `base` (a blob). */
export interface ToneState {
  strength: number;
  keepSepia: boolean;
  modelId: string;
  isMono: boolean;
  full: string;
}

/** A tone to record: the settings, the full correction and the result at `strength`. */
export interface ToneOutput {
  strength: number;
  keepSepia: boolean;
  modelId: string;
  isMono: boolean;
  full: Raster;
  result: Raster;
}

function labelFor(cmd: StrokeCommand | Extract<HistoryCommand, { kind: 'clear' | 'mask-import' }>): string {
  if (cmd.kind === 'clear') return 'Clear mask';
  if (cmd.kind === 'mask-import') return 'Import mask';
  const size = `${Math.round(cmd.size)} px`;
  if (cmd.tool === 'eraser') return `Eraser (${size})`;
  if (cmd.tool === 'line' || cmd.points.length === 4) return `Line (${size})`;
  return `Brush stroke (${size})`;
}

let sessionCounter = 0;

/**
 * Every this many strokes in a row, the stroke entry also stores the mask it leaves (a keyframe): reopening
 * replays at most this many strokes, and the history byte cap can cut a long painting session there.
 */
export const STROKES_PER_KEYFRAME = 32;

/** A small JPEG of the photo for the recent-projects list. */
async function thumbnail(path: string): Promise<Buffer> {
  return sharp(path, { limitInputPixels: false }).rotate().resize(112, 112, { fit: 'inside' }).flatten({ background: '#000' }).jpeg({ quality: 75 }).toBuffer();
}

/** The stored payload of a stroke entry: its command, plus the mask snapshot when it is a keyframe. */
function strokeOf(e: HistoryEntry): StrokeCommand {
  const p = e.payload as StrokeCommand | (KeyframePayload & { stroke: StrokeCommand });
  return 'stroke' in p && typeof p.stroke === 'object' ? p.stroke : (p as StrokeCommand);
}

/** The open photo and its history cursor; every mutation is persisted before it returns. */
export class Session {
  readonly id: string;
  /** Bumped on every state change, so derived blob ids (mask, original) are fresh cache keys. */
  private rev = 0;
  private mask: CoverageMask;
  /** Blob id of the keyframe mask when no stroke came after it (then it is served directly). */
  private keyMaskId: string | null = null;
  private resultId: string | null = null;
  /** The photo before the tone (what detect and restore work on); null = the original. */
  private baseId: string | null = null;
  private baseRaster: Raster | null = null;
  /** The decoded result when it differs from the base (a toned picture), by blob id. */
  private resultRaster: { id: string; raster: Raster } | null = null;
  private tone: ToneState | null = null;
  /** The last detection's suggestions at the cursor (suggestions.ts). */
  private suggested: StoredSuggestions | null = null;
  private cachedMaskPng: { rev: number; png: Buffer } | null = null;
  private originalPng: Promise<Buffer> | null = null;
  private holes = 0;
  /** Strokes between the keyframe the cursor rebuilds from and the cursor. */
  private strokesSinceKeyframe = 0;

  private constructor(
    private readonly lib: Library,
    public project: Project,
    readonly decoded: DecodedImage,
  ) {
    this.id = `s${Date.now().toString(36)}${(sessionCounter++).toString(36)}`;
    const { width, height } = decoded.raster;
    this.mask = { width, height, data: new Uint8Array(width * height) };
  }

  /** Opens a photo as a new project; the `open` entry is the first keyframe (with a thumbnail blob for the project list). */
  static async open(lib: Library, path: string, sha256: string, displayName?: string): Promise<Session> {
    const [decoded, thumbBytes] = await Promise.all([readImage(path), thumbnail(path).catch(() => null)]);
    const name = displayName ?? basename(path);
    const project = lib.projects.create({ name: basename(name, extname(name)), sourcePath: path, sourceSha256: sha256 });
    const s = new Session(lib, project, decoded);
    const thumb = thumbBytes ? lib.blobs.put(thumbBytes) : null;
    const { width, height } = decoded.raster;
    const payload: KeyframePayload = { mask: null, result: null, sourceName: name, width, height, ...(thumb ? { thumb } : {}) };
    lib.history.append(project.id, { kind: 'open', label: `Open ${name}`, payload, keyframe: true, ...(thumb ? { blobs: [thumb] } : {}) });
    await s.rebuild();
    return s;
  }

  /** Reopens a project at its saved cursor; not an undo step. The photo must still be where it was. */
  static async reopen(lib: Library, project: Project): Promise<Session> {
    const decoded = await readImage(project.sourcePath).catch((e: unknown) => {
      throw badInput(project.sourcePath, `cannot reopen project "${project.name}": ${(e as Error).message}`);
    });
    const s = new Session(lib, project, decoded);
    lib.projects.touch(project.id);
    await s.rebuild();
    return s;
  }

  /** Display name of the photo (from the open entry, since uploads are stored under their own name). */
  get sourceName(): string {
    const first = this.lib.history.list(this.project.id).find((e) => e.kind === 'open');
    const n = (first?.payload as KeyframePayload | undefined)?.sourceName;
    return typeof n === 'string' ? n : basename(this.project.sourcePath);
  }

  /** Blob id of the original's PNG preview. */
  get originalBlobId(): string {
    return `orig-${this.id}`;
  }

  /** Blob id of the mask at the cursor (a library blob when it is a keyframe's, else derived). */
  get maskBlobId(): string | null {
    if (this.holes === 0 && this.mask.data.every((v) => v === 0)) return null;
    return this.keyMaskId ?? `mask-${this.id}-${this.rev}`;
  }

  /** PNG bytes for this session's derived blob ids, or null when the id is not (or no longer) ours. */
  async derivedBlob(id: string): Promise<Buffer | null> {
    if (id === this.originalBlobId) {
      this.originalPng ??= rasterToPng(this.decoded.raster);
      return this.originalPng;
    }
    const stored = storedIdOf(id);
    if (stored !== null) return stored === this.suggested?.id ? tintSuggestions(this.lib.blobs.get(stored)) : null;
    if (id === `mask-${this.id}-${this.rev}`) {
      if (this.cachedMaskPng?.rev !== this.rev) this.cachedMaskPng = { rev: this.rev, png: await maskToPng(this.mask) };
      return this.cachedMaskPng.png;
    }
    return null;
  }

  /**
   * The image a restore, detection or tone starts from: the latest repair at the cursor (before any tone), else
   * the original.
   */
  async workingImage(): Promise<Raster> {
    if (!this.baseId) return this.decoded.raster;
    if (!this.baseRaster) this.baseRaster = (await readImage(this.lib.blobs.path(this.baseId))).raster;
    return this.baseRaster;
  }

  /** The picture at the cursor as shown and exported: the repairs with the tone, else the original. */
  async resultImage(): Promise<Raster> {
    if (this.resultId === this.baseId) return this.workingImage();
    if (!this.resultId) return this.decoded.raster;
    if (this.resultRaster?.id !== this.resultId) this.resultRaster = { id: this.resultId, raster: (await readImage(this.lib.blobs.path(this.resultId))).raster };
    return this.resultRaster.raster;
  }

  /** The tone at the cursor (null: off), for re-applying it after a restore. */
  get toneSettings(): Readonly<ToneState> | null {
    return this.tone;
  }

  /** The binary (0/255) mask at the cursor, for the engine. */
  engineMask(): Mask {
    return toBinaryMask(this.mask);
  }

  get holePixels(): number {
    return this.holes;
  }

  /** Appends a renderer command (stroke, clear, mask import from an uploaded file path). */
  async append(cmd: HistoryCommand, uploadPath?: string): Promise<void> {
    if (cmd.kind === 'stroke') {
      const size = { width: this.mask.width, height: this.mask.height };
      if (!cmd.points.some((v, i) => (i % 2 === 0 ? v > -cmd.size && v < size.width + cmd.size : v > -cmd.size && v < size.height + cmd.size))) {
        throw badInput(undefined, 'the stroke lies entirely outside the photo');
      }
      const entry = this.lib.history.append(this.project.id, { kind: 'stroke', label: labelFor(cmd), payload: cmd });
      const box = strokeBox(this.mask, cmd);
      const before = box ? countCoverageHolesIn(this.mask, box) : 0;
      paintStroke(this.mask, cmd);
      this.holes += box ? countCoverageHolesIn(this.mask, box) - before : 0;
      this.keyMaskId = null;
      this.bump();
      if (++this.strokesSinceKeyframe >= STROKES_PER_KEYFRAME) {
        const { maskId, blobs } = await this.storeKeyframeBlobs(this.mask, this.resultId);
        const payload: KeyframePayload & { stroke: StrokeCommand } = { mask: maskId, result: this.resultId, ...this.layers(), stroke: cmd };
        this.lib.history.makeKeyframe(this.project.id, entry.seq, { payload, blobs: [...blobs, ...this.layerBlobs()] });
        this.keyMaskId = maskId;
        this.strokesSinceKeyframe = 0;
      }
      return;
    }
    if (cmd.kind === 'clear') {
      await this.appendKeyframe('clear', 'Clear mask', null, this.resultId, {});
      return;
    }
    if (cmd.kind === 'add-suggestions') {
      await this.addSuggestions(cmd.at);
      return;
    }
    if (cmd.kind === 'trace-crack') {
      await this.traceCrackStep(cmd.at, cmd.tolerance, cmd.erase ?? false);
      return;
    }
    if (!uploadPath) throw badInput(undefined, `upload ${cmd.uploadId} not found (upload the mask first)`);
    const { width, height } = this.decoded.raster;
    const m = await readMask(uploadPath, { width, height });
    await this.appendKeyframe('mask-import', 'Import mask', { width, height, data: m.data }, this.resultId, {});
  }

  /**
   * Records a detection (one step): its mask proposal is added to the mask at the cursor (what was painted stays
   * painted), or with `replace` takes its place.
   */
  async commitDetect(mask: Mask, modelId: string, provider: string, mode: DetectMode = 'add', suggested?: Mask): Promise<void> {
    const data = mode === 'add' ? this.mask.data.map((v, i) => Math.max(v, mask.data[i]!)) : mask.data;
    const label = `Detect damage (${modelId})${mode === 'add' ? '' : ', replaced mask'}`;
    const sugg = suggested ? await storeSuggestions(this.lib.blobs, suggested) : null;
    await this.appendKeyframe('detect', label, { width: mask.width, height: mask.height, data }, this.resultId, { modelId, provider, mode, ...(sugg ? { suggested: sugg } : {}) }, this.layers(), sugg ? [sugg.id] : []);
  }

  /**
   * Adds the suggestions at the cursor to the mask (one step): all, or the suggested mark at `at`; the rest
   * stay suggested.
   */
  private async addSuggestions(at?: { x: number; y: number }): Promise<void> {
    if (!this.suggested) throw badInput(undefined, 'there are no suggested marks to add (Detect damage suggests them)');
    const { width, height } = this.mask;
    const all = await pngToMask(this.lib.blobs.get(this.suggested.id), width, height, 'suggestions');
    const { take, rest } = takeSuggestions(all, at);
    const data = this.mask.data.map((v, i) => Math.max(v, take.data[i]!));
    const left = await storeSuggestions(this.lib.blobs, rest);
    const label = at ? 'Add a suggested mark' : `Add ${this.suggested.marks === 1 ? 'the suggested mark' : `${this.suggested.marks} suggested marks`}`;
    await this.appendKeyframe('detect', label, { width, height, data }, this.resultId, left ? { suggested: left } : {}, this.layers(), left ? [left.id] : []);
  }

  /**
   * Adds the crack the wand selects at `at` in the picture at the cursor (before any tone) to the mask, or with
   * `erase` takes it out (one step; suggestions stand). Throws when no thin line stands out there.
   */
  private async traceCrackStep(at: { x: number; y: number }, tolerance: number | undefined, erase: boolean): Promise<void> {
    const { width, height } = this.mask;
    if (at.x >= width || at.y >= height) throw badInput(undefined, `the click (${at.x}, ${at.y}) is outside the ${width}×${height} photo`);
    // Erasing takes the fringe the detector's mask grew around a line too (its `dilate`, 2 px of its working size).
    const picked = traceCrack(await this.workingImage(), at, { ...(tolerance !== undefined ? { tolerance } : {}), ...(erase ? { margin: ERASE_MARGIN } : {}) });
    if (!picked) throw badInput(undefined, 'no crack or scratch stands out where you clicked: click on the line itself, or paint it with the brush');
    const data = this.mask.data.map((v, i) => (erase ? (picked.mask.data[i] ? 0 : v) : Math.max(v, picked.mask.data[i]!)));
    const sugg = this.suggested;
    const what = `a ${picked.light ? 'light' : 'dark'} ${erase ? 'line' : 'crack'} (${picked.pixels.toLocaleString('en')} px)`;
    await this.appendKeyframe('detect', erase ? `Erase ${what}` : `Trace ${what}`, { width, height, data }, this.resultId, sugg ? { suggested: sugg } : {}, this.layers(), sugg ? [sugg.id] : []);
  }

  /**
   * Records a restore: its result becomes the working image; the mask it used is kept (editable, re-runnable).
   * With the tone on, `toned` is the tone re-applied to the result (what is shown and exported).
   */
  async commitRestore(result: Raster, modelId: string, provider: string, toned?: ToneOutput): Promise<void> {
    const baseId = this.lib.blobs.put(await encodeImage(result, 'png'));
    const tone = toned ? await this.storeTone(toned) : null;
    const resultId = toned ? this.lib.blobs.put(await encodeImage(toned.result, 'png')) : baseId;
    await this.appendKeyframe('restore', `Restore (${modelId})`, this.mask, resultId, { modelId, provider }, { base: baseId, tone });
    this.baseRaster = result;
  }

  /** Records Fix fading and colour (or turning it off: null): the photo before the tone stays what repairs see. */
  async commitTone(toned: ToneOutput | null, provider?: string): Promise<void> {
    const tone = toned ? await this.storeTone(toned) : null;
    const resultId = toned ? this.lib.blobs.put(await encodeImage(toned.result, 'png')) : this.baseId;
    const label = toned ? `Fix fading and colour (${Math.round(toned.strength * 100)} %${toned.keepSepia ? ', sepia kept' : ''})` : 'Fix fading and colour off';
    await this.appendKeyframe('tone', label, this.mask, resultId, toned ? { modelId: toned.modelId, ...(provider ? { provider } : {}) } : {}, { base: this.baseId, tone });
  }

  private async storeTone(t: ToneOutput): Promise<ToneState> {
    const full = this.lib.blobs.put(await encodeImage(t.full, 'png'));
    return { strength: t.strength, keepSepia: t.keepSepia, modelId: t.modelId, isMono: t.isMono, full };
  }

  /** The layers every keyframe carries forward: the photo before the tone and the tone. */
  private layers(): { base: string | null; tone: ToneState | null } {
    return { base: this.baseId, tone: this.tone };
  }

  private layerBlobs(layers: { base: string | null; tone: ToneState | null } = this.layers()): string[] {
    return [layers.base, layers.tone?.full ?? null].filter((b): b is string => b !== null);
  }

  private async appendKeyframe(
    kind: HistoryKind,
    label: string,
    mask: CoverageMask | null,
    resultId: string | null,
    extra: Record<string, unknown>,
    layers: { base: string | null; tone: ToneState | null } = this.layers(),
    moreBlobs: string[] = [],
  ): Promise<void> {
    const { maskId, blobs } = await this.storeKeyframeBlobs(mask, resultId);
    const payload: KeyframePayload = { ...extra, mask: maskId, result: resultId, ...layers };
    const all = [...new Set([...blobs, ...this.layerBlobs(layers), ...moreBlobs])];
    this.lib.history.append(this.project.id, { kind, label, payload, blobs: all, keyframe: true });
    await this.rebuild();
  }

  /** Stores a keyframe's mask as a PNG blob (none when empty); the blob ids the entry references. */
  private async storeKeyframeBlobs(mask: CoverageMask | null, resultId: string | null): Promise<{ maskId: string | null; blobs: string[] }> {
    const isEmpty = !mask || mask.data.every((v) => v === 0);
    const maskId = isEmpty ? null : this.lib.blobs.put(await maskToPng(mask));
    return { maskId, blobs: [maskId, resultId].filter((b): b is string => b !== null) };
  }

  /** Steps back; false at the first entry. */
  async undo(): Promise<boolean> {
    if (this.lib.history.undo(this.project.id) === undefined) return false;
    await this.rebuild();
    return true;
  }

  /** Steps forward; false when there is nothing to redo. */
  async redo(): Promise<boolean> {
    if (this.lib.history.redo(this.project.id) === undefined) return false;
    await this.rebuild();
    return true;
  }

  /** Moves the cursor to the entry at `index` of the history list. */
  async jumpTo(index: number): Promise<void> {
    const entries = this.lib.history.list(this.project.id);
    const e = entries[index];
    if (!e) throw badInput(undefined, `history has ${entries.length} entries; there is no entry ${index}`);
    this.lib.history.setCurrent(this.project.id, e.seq);
    await this.rebuild();
  }

  /** Recomputes mask and result at the cursor: the keyframe at or before it, then the strokes after it. */
  private async rebuild(): Promise<void> {
    const pid = this.project.id;
    this.project = this.lib.projects.get(pid) ?? this.project;
    const cursor = this.project.currentSeq;
    const entries = this.lib.history.list(pid);
    let at = entries.length - 1;
    while (at >= 0 && entries[at]!.seq > cursor) at--;
    // The shared history model's rule, from any stored keyframe (stroke keyframes included: we have their masks).
    const { base: key, strokes } = replayFrom(entries, at, true);
    if (!key) throw badInput(this.project.sourcePath, `project "${this.project.name}" has no keyframe to rebuild from`);
    const payload = key.payload as KeyframePayload;
    const { width, height } = this.decoded.raster;
    this.mask = payload.mask
      ? await pngToMask(this.lib.blobs.get(payload.mask), width, height, `mask blob ${payload.mask}`)
      : { width, height, data: new Uint8Array(width * height) };
    // The decoded PNG buffer may be shared/readonly: own a copy before painting into it.
    if (payload.mask) this.mask = { width, height, data: new Uint8Array(this.mask.data) };
    this.keyMaskId = payload.mask;
    this.resultId = payload.result;
    // Entries from before the tone step: the result is the photo before any tone.
    const baseId = payload.base !== undefined ? payload.base : payload.result;
    if (baseId !== this.baseId) {
      this.baseId = baseId;
      this.baseRaster = null;
    }
    this.tone = payload.tone ?? null;
    this.suggested = suggestionsAt(entries, at);
    for (const s of strokes) paintStroke(this.mask, strokeOf(s));
    if (strokes.length > 0) this.keyMaskId = null;
    this.strokesSinceKeyframe = strokes.length;
    this.holes = countCoverageHoles(this.mask);
    this.bump();
  }

  private bump(): void {
    this.rev++;
    this.cachedMaskPng = null;
  }

  /** The history panel. */
  history(): HistoryView {
    const entries = this.lib.history.list(this.project.id);
    const cursor = Math.max(0, entries.findIndex((e) => e.isCurrent));
    return {
      entries: entries.map((e, index) => toView(e, index)),
      cursor,
      canUndo: cursor > 0,
      canRedo: cursor < entries.length - 1,
    };
  }

  /** Everything the renderer shows. */
  view(): SessionView {
    const r = this.decoded.raster;
    return {
      sessionId: this.id,
      projectId: this.project.id,
      projectName: this.project.name,
      photo: {
        name: this.sourceName,
        width: r.width,
        height: r.height,
        channels: r.channels,
        depth: r.depth,
        format: this.decoded.format,
        hasAlpha: this.decoded.meta.hasAlpha,
      },
      originalBlobId: this.originalBlobId,
      resultBlobId: this.resultId,
      maskBlobId: this.maskBlobId,
      holePixels: this.holes,
      history: this.history(),
      tone: this.toneView(),
      suggestions: suggestionsView(this.suggested),
    };
  }

  private toneView(): ToneView | null {
    const t = this.tone;
    if (!t) return null;
    return { strength: t.strength, keepSepia: t.keepSepia, modelId: t.modelId, isMono: t.isMono, baseBlobId: this.baseId, fullBlobId: t.full };
  }
}

function toView(e: HistoryEntry, index: number): HistoryEntryView {
  const v: HistoryEntryView = { index, kind: e.kind as HistoryKind, label: e.label, createdAt: e.createdAt };
  if (e.kind === 'stroke') v.stroke = strokeOf(e);
  if (e.keyframe) v.keyframe = true;
  if (e.kind === 'restore') {
    const p = e.payload as KeyframePayload;
    if (p.result) v.resultBlobId = p.result;
    if (p.modelId) v.modelId = p.modelId;
  }
  return v;
}
