/** Escapes text for an SVG text node, so a label like `Before & <after>` cannot break the overlay. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Label size that reads well on a thumbnail and on a 40 MP scan alike. */
export function labelFontSize(width: number, height: number): number {
  return Math.max(12, Math.round(Math.min(width, height) * 0.045));
}

/** A rendered label: SVG bytes for sharp's composite, and its size in pixels. */
export interface LabelOverlay {
  svg: Buffer;
  width: number;
  height: number;
}

/**
 * A caption in a dark rounded box, as SVG that sharp rasterises (librsvg + fontconfig) when compositing.
 * Width is estimated from the character count (sans-serif averages ~0.6 em), clamped to `maxWidth`.
 */
export function labelOverlay(text: string, fontSize: number, maxWidth: number): LabelOverlay {
  const pad = Math.round(fontSize * 0.45);
  const width = Math.max(1, Math.min(maxWidth, Math.round(text.length * fontSize * 0.62) + 2 * pad));
  const height = Math.round(fontSize * 1.5);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" rx="${Math.round(fontSize * 0.3)}" fill="#000" fill-opacity="0.6"/>` +
    `<text x="${pad}" y="${Math.round(height / 2)}" dominant-baseline="central" font-family="DejaVu Sans, Lato, sans-serif" ` +
    `font-size="${fontSize}" fill="#fff">${escapeXml(text)}</text></svg>`;
  return { svg: Buffer.from(svg), width, height };
}
