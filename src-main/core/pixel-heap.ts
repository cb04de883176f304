/**
 * A min-heap of pixel indices by a float key, for fast marching (classical.ts) and shortest paths (bridges.ts).
 * A pixel may be pushed more than once (no decrease-key): callers skip the stale entries they pop. Pure: no node
 * or DOM imports.
 */

/** Min-heap of pixel indices keyed by a float (arrival time, path cost). */
export class PixelHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.ids = new Int32Array(Math.max(16, capacity));
  }

  push(id: number, key: number): void {
    if (this.size === this.ids.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      const d = new Int32Array(this.size * 2);
      d.set(this.ids);
      this.keys = k;
      this.ids = d;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.keys[i] = this.keys[p]!;
      this.ids[i] = this.ids[p]!;
      i = p;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }

  pop(): number {
    const top = this.ids[0]!;
    const n = --this.size;
    const key = this.keys[n]!;
    const id = this.ids[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.keys[c + 1]! < this.keys[c]!) c++;
      if (this.keys[c]! >= key) break;
      this.keys[i] = this.keys[c]!;
      this.ids[i] = this.ids[c]!;
      i = c;
    }
    this.keys[i] = key;
    this.ids[i] = id;
    return top;
  }
}
