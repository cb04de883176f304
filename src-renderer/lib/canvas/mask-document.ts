/**
 * The mask at image resolution on its own canvas, plus the stroke-in-progress protocol
 * (mark → drag → squash, or bail). While dragging, dabs go straight onto the canvas (no per-frame
 * pixel loops); a committed stroke is repainted with the service's rasteriser, so every committed
 * state equals a replay of the ops that produced it and the mask the service restores with.
 */
import { paintStroke, type MaskOp, type StrokeOp } from '../tools/mask-ops.js';
import { paintExact } from './exact-strokes.js';
import { makeCanvas } from './mask-image.js';

export class MaskDocument {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  #snapshot: HTMLCanvasElement | null = null;
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

  /** mark: remembers the mask as it was and starts a live stroke at the first point. */
  begin(op: Omit<StrokeOp, 'points'>, x: number, y: number): void {
    this.bail();
    const { canvas, ctx } = makeCanvas(this.width, this.height);
    ctx.drawImage(this.canvas, 0, 0);
    this.#snapshot = canvas;
    this.#live = { ...op, points: [x, y] };
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
    paintStroke(this.ctx, { ...live, points: [px, py, x, y] });
  }

  /** squash: restores the snapshot and paints the whole stroke once, exactly as replay will. */
  commit(): StrokeOp | null {
    const live = this.#live;
    const snap = this.#snapshot;
    this.#live = null;
    this.#snapshot = null;
    if (!live || !snap) return null;
    this.#restore(snap);
    paintExact(this.ctx, [live]);
    return live;
  }

  /** bail: Escape mid-stroke puts the mask back as it was before the stroke. */
  bail(): void {
    const snap = this.#snapshot;
    this.#live = null;
    this.#snapshot = null;
    if (snap) this.#restore(snap);
  }

  #restore(snap: HTMLCanvasElement): void {
    this.ctx.save();
    this.ctx.globalCompositeOperation = 'copy';
    this.ctx.drawImage(snap, 0, 0);
    this.ctx.restore();
  }
}
