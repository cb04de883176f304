/**
 * Zoom and pan as one affine map, screen = image · scale + offset. The editor moves a single CSS
 * transform with it, so a 12 MP photo is drawn once and never re-rasterised per frame.
 */
export interface View {
  scale: number;
  x: number;
  y: number;
}

/** Zoom limits: 2 % (a whole 40 MP scan fits a small window) to 3200 % (pixel work on scratches). */
export const MIN_SCALE = 0.02;
export const MAX_SCALE = 32;

const clampScale = (s: number): number => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

/** How far Fit enlarges a small photo (a 256 px scan fills the window; a 16 px one is not blown up to a wall). */
export const MAX_FIT_SCALE = 8;

/** The whole image centred in the viewport with a margin: large photos shrink, small ones are enlarged to fit. */
export function fitView(imgW: number, imgH: number, viewW: number, viewH: number, margin = 24): View {
  const availW = Math.max(1, viewW - 2 * margin);
  const availH = Math.max(1, viewH - 2 * margin);
  const scale = clampScale(Math.min(MAX_FIT_SCALE, availW / imgW, availH / imgH));
  return { scale, x: (viewW - imgW * scale) / 2, y: (viewH - imgH * scale) / 2 };
}

/** 100 %: one image pixel per CSS pixel, keeping the image point under the viewport centre fixed. */
export function actualSize(view: View, viewW: number, viewH: number): View {
  return zoomAround(view, 1 / view.scale, viewW / 2, viewH / 2);
}

/** Multiplies the scale by `factor` while keeping the image point under (cx, cy) under the cursor. */
export function zoomAround(view: View, factor: number, cx: number, cy: number): View {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k };
}

/** Shifts the view by a screen-space delta (space-drag, middle button). */
export function panBy(view: View, dx: number, dy: number): View {
  return { scale: view.scale, x: view.x + dx, y: view.y + dy };
}

/** Screen (viewport-relative CSS px) to image pixel coordinates. */
export function screenToImage(view: View, sx: number, sy: number): [number, number] {
  return [(sx - view.x) / view.scale, (sy - view.y) / view.scale];
}

/** Wheel delta to a zoom factor: smooth for trackpads, ~12 % per mouse notch. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-px * 0.0012);
}

/** Whether `view` is what Fit gives for this image in a `viewW` × `viewH` viewport (so a resize should re-fit). */
export function isFitted(view: View, imgW: number, imgH: number, viewW: number, viewH: number): boolean {
  const f = fitView(imgW, imgH, viewW, viewH);
  return Math.abs(f.scale - view.scale) < 1e-6 && Math.abs(f.x - view.x) < 0.5 && Math.abs(f.y - view.y) < 0.5;
}
