/**
 * The editor's mask painting tools (which tool, brush size and hardness) and its view of the photo (zoom
 * and pan, the viewport's size, the before/after comparison). State the person sets directly; nothing in
 * it goes to the service.
 */
import type { PhotoInfo } from '@core/api/contract.js';
import { actualSize, fitView, zoomAround, type View } from '../lib/canvas/viewport.js';

/** `crack`: the crack wand, a click adds the crack network under it (src-main/core/crack-wand.ts). */
export type ToolName = 'brush' | 'line' | 'eraser' | 'crack';

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 400;

/** Tool, brush size and hardness. */
export class Tools {
  tool = $state<ToolName>('brush');
  brushSize = $state(24);
  hardness = $state(0.85);
  /** The crack wand's hue tolerance (opponent colour, 0–255). */
  crackTolerance = $state(24);

  setBrushSize(px: number): void {
    this.brushSize = Math.round(Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, px)));
  }
}

/** Zoom and pan, and the before/after comparison. */
export class Viewer {
  view = $state<View>({ scale: 1, x: 0, y: 0 });
  viewport = $state({ width: 800, height: 600 });
  compareSplit = $state(false);
  splitAt = $state(0.5);
  isHoldingCompare = $state(false);
  /** The version the split compares the result with (a restore's picture, by blob id); null: the original. */
  compareWith = $state<string | null>(null);

  /** @param photo the open photo, if any (the editor's session). */
  constructor(private readonly photo: () => PhotoInfo | undefined) {}

  /** Back to no comparison (another photo opened). */
  resetCompare(): void {
    this.compareSplit = false;
    this.compareWith = null;
  }

  fit(): void {
    const p = this.photo();
    if (p) this.view = fitView(p.width, p.height, this.viewport.width, this.viewport.height);
  }

  actualPixels(): void {
    this.view = actualSize(this.view, this.viewport.width, this.viewport.height);
  }

  zoomBy(factor: number): void {
    this.view = zoomAround(this.view, factor, this.viewport.width / 2, this.viewport.height / 2);
  }
}
