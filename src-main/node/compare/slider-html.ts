import { escapeXml } from './labels.js';

export interface SliderPage {
  title: string;
  /** data: URIs, so the page is one file that works offline and from an email attachment. */
  beforeUri: string;
  afterUri: string;
  labels: [string, string];
  width: number;
  height: number;
}

/**
 * A self-contained before/after page: the after picture underneath, the before picture clipped on top,
 * a handle dragged with mouse, touch or the arrow keys (a range input, so it is accessible). Inline CSS
 * and JS, images as data URIs, and a CSP that forbids any network fetch.
 */
export function sliderHtml(p: SliderPage): string {
  const t = escapeXml(p.title);
  const [lb, la] = p.labels.map(escapeXml) as [string, string];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t}</title>
<style>
  html, body { margin: 0; background: #1b1b1b; color: #eee; font: 15px/1.4 system-ui, sans-serif; }
  main { max-width: ${p.width}px; margin: 0 auto; padding: 12px; }
  h1 { font-size: 16px; font-weight: 600; margin: 0 0 8px; overflow-wrap: anywhere; }
  .cmp { position: relative; width: 100%; aspect-ratio: ${p.width} / ${p.height}; user-select: none;
         touch-action: none; cursor: ew-resize; overflow: hidden; background: #000; }
  .cmp img { position: absolute; inset: 0; width: 100%; height: 100%; display: block; pointer-events: none; }
  #before { clip-path: inset(0 calc(100% - var(--pos)) 0 0); }
  .bar { position: absolute; top: 0; bottom: 0; left: var(--pos); width: 2px; margin-left: -1px; background: #fff;
         box-shadow: 0 0 4px #000; pointer-events: none; }
  .knob { position: absolute; top: 50%; left: var(--pos); width: 28px; height: 28px; margin: -14px 0 0 -14px;
          border-radius: 50%; background: #fff; box-shadow: 0 0 6px #000; pointer-events: none; }
  .lbl { position: absolute; top: 8px; padding: 2px 8px; border-radius: 4px; background: rgba(0,0,0,.6); pointer-events: none; }
  .lbl.b { left: 8px; } .lbl.a { right: 8px; }
  input[type=range] { width: 100%; margin-top: 8px; }
</style>
</head>
<body>
<main>
<h1>${t}</h1>
<div class="cmp" id="cmp" style="--pos: 50%">
  <img id="after" alt="${la}" src="${p.afterUri}">
  <img id="before" alt="${lb}" src="${p.beforeUri}">
  <div class="bar"></div><div class="knob"></div>
  <span class="lbl b">${lb}</span><span class="lbl a">${la}</span>
</div>
<input id="pos" type="range" min="0" max="1000" value="500" aria-label="Before/after position">
</main>
<script>
(function () {
  var cmp = document.getElementById('cmp');
  var range = document.getElementById('pos');
  function set(f) {
    f = Math.max(0, Math.min(1, f));
    cmp.style.setProperty('--pos', (f * 100).toFixed(2) + '%');
    range.value = String(Math.round(f * 1000));
  }
  function fromEvent(e) {
    var r = cmp.getBoundingClientRect();
    set((e.clientX - r.left) / r.width);
  }
  var dragging = false;
  cmp.addEventListener('pointerdown', function (e) { dragging = true; cmp.setPointerCapture(e.pointerId); fromEvent(e); });
  cmp.addEventListener('pointermove', function (e) { if (dragging) fromEvent(e); });
  cmp.addEventListener('pointerup', function () { dragging = false; });
  cmp.addEventListener('pointercancel', function () { dragging = false; });
  range.addEventListener('input', function () { set(Number(range.value) / 1000); });
})();
</script>
</body>
</html>
`;
}
