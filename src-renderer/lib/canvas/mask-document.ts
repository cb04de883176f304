/**
 * The mask at image resolution on its own canvas, plus the stroke-in-progress protocol
 * (mark → drag → squash, or bail). While dragging, dabs go straight onto the canvas (no per-frame
 * pixel loops); a committed stroke is repainted with the service's rasteriser, so every committed
 * state equals a replay of the ops that produced it and the mask the service restores with.
 */
import { paintStroke, type MaskOp, type StrokeOp } from '../tools/mask-ops.js';
import { paintExact } from './exact-strokes.js';
import { makeCanvas } from './mask-image.js';

/** Side of the tiles saved while a stroke is live. */
const TILE = 256;

export class MaskDocument {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  /** Tiles of the mask as they were before the live stroke touched them (for commit and bail). */
  #tiles = new Map<number, { x: number; y: number; data: ImageData }>();
  #live: StrokeOp | null = null;

  constructor(width: number, height: number) {
    const { canvas, ctx } = makeCanvas(width, height);
    canvas.dataset.testid = 'mask-canvas';
    this.canvas = canvas;
    this.ctx = ctx;
  }

  get width(): number {
    return this.canvas.width;
  }
  get height(): number {
    return this.canvas.height;
  }
  get isStroking(): boolean {
    return this.#live !== null;
  }

  /** Rebuilds the whole mask from ops (after undo, redo, jump or reopening a project). */
  rebuild(ops: readonly MaskOp[]): void {
    this.bail();
    const { ctx } = this;
    ctx.clearRect(0, 0, this.width, this.height);
    let run: StrokeOp[] = [];
    const flush = (): void => {
      if (run.length) paintExact(ctx, run);
      run = [];
    };
    for (const op of ops) {
      if (op.kind === 'stroke' || op.kind === 'line') {
        run.push(op);
        continue;
      }
      flush();
      ctx.clearRect(0, 0, this.width, this.height);
      if (op.kind === 'detect') ctx.drawImage(op.mask, 0, 0, this.width, this.height);
    }
    flush();
  }

  /** mark: starts a live stroke at the first point, saving the tiles it is about to touch. */
  begin(op: Omit<StrokeOp, 'points'>, x: number, y: number): void {
    this.bail();
    this.#live = { ...op, points: [x, y] };
    this.#save(x, y, x, y, op.size);
    paintStroke(this.ctx, this.#live);
  }

  /** drag: adds a point and paints only the new segment, so long strokes stay cheap. */
  extend(x: number, y: number): void {
    const live = this.#live;
    if (!live) return;
    const n = live.points.length;
    const px = live.points[n - 2]!;
    const py = live.points[n - 1]!;
    if (Math.hypot(x - px, y - py) < 0.5) return;
    live.points.push(x, y);
    this.#save(px, py, x, y, live.size);
    paintStroke(this.ctx, { ...live, points: [px, py, x, y] });
  }

  /** squash: puts the saved tiles back and paints the whole stroke once, exactly as replay will. */
  commit(): StrokeOp | null {
    const live = this.#live;
    this.#live = null;
    if (!live) return null;
    this.#restoreTiles();
    paintExact(this.ctx, [live]);
    return live;
  }

  /** bail: Escape mid-stroke puts the mask back as it was before the stroke. */
  bail(): void {
    this.#live = null;
    this.#restoreTiles();
  }

  /**
   * Saves, once per stroke, every tile a segment's brush footprint touches. Only the area a stroke
   * covers is copied — a full snapshot of a 12 MP mask costs a visible hitch at each stroke start.
   */
  #save(x0: number, y0: number, x1: number, y1: number, size: number): void {
    const r = size / 2 + 2;
    const tx0 = Math.max(0, Math.floor((Math.min(x0, x1) - r) / TILE));
    const ty0 = Math.max(0, Math.floor((Math.min(y0, y1) - r) / TILE));
    const tx1 = Math.min(Math.ceil(this.width / TILE) - 1, Math.floor((Math.max(x0, x1) + r) / TILE));
    const ty1 = Math.min(Math.ceil(this.height / TILE) - 1, Math.floor((Math.max(y0, y1) + r) / TILE));
    const cols = Math.ceil(this.width / TILE);
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const key = ty * cols + tx;
        if (this.#tiles.has(key)) continue;
        const x = tx * TILE;
        const y = ty * TILE;
        this.#tiles.set(key, { x, y, data: this.ctx.getImageData(x, y, Math.min(TILE, this.width - x), Math.min(TILE, this.height - y)) });
      }
    }
  }

  #restoreTiles(): void {
    for (const t of this.#tiles.values()) this.ctx.putImageData(t.data, t.x, t.y);
    this.#tiles.clear();
  }
}
