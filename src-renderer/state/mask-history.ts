/**
 * What the editor remembers along the history so it can show a step without asking the service: the
 * mask of each keyframe it has stood on, the result picture of each restore, and tinted mask blobs. From
 * these and the shared replay rule (lib/history.ts) it rebuilds the mask at any cursor locally, or says
 * that something must come from the service first.
 */
import type { SessionView } from '@core/api/contract.js';
import { MaskDocument } from '../lib/canvas/mask-document.js';
import { loadImage, tintMask } from '../lib/canvas/mask-image.js';
import { keyframeKey, KEYFRAME_KINDS, replayPlan } from '../lib/history.js';
import type { MaskOp } from '../lib/tools/mask-ops.js';

/** How many keyframe masks and tinted blobs are kept (each is a full-size canvas). */
const KEEP = 4;

/** The caches of one editor. */
export class MaskHistory {
  #tinted = new Map<string, HTMLCanvasElement>();
  /** Keyframe masks seen so far (by keyframeKey), so strokes after a detection replay locally. */
  #keyframes = new Map<string, HTMLCanvasElement>();
  /** Result blob of each restore step seen so far (by keyframeKey). */
  #results = new Map<string, string>();

  constructor(private readonly blobUrl: (blobId: string) => string) {}

  /**
   * The mask ops and result picture at `target` of `s`, rebuilt from what is known here; null when a
   * keyframe's mask or a result picture must come from the service first.
   */
  preview(s: SessionView, target: number): { ops: MaskOp[]; resultBlobId: string | null } | null {
    const { entries } = s.history;
    if (target < 0 || target >= entries.length) return null;
    const plan = replayPlan(entries, target);
    if (!plan) return null;
    const base = plan.base ? this.#keyframes.get(keyframeKey(s.projectId, plan.base)) : null;
    if (plan.base && !base) return null;
    const resultBlobId = this.#resultAt(s, target);
    if (resultBlobId === undefined) return null;
    return { ops: base ? [{ kind: 'detect', mask: base }, ...plan.ops] : plan.ops, resultBlobId };
  }

  /** The result picture at a cursor: null = the original, undefined = not known here yet. */
  #resultAt(s: SessionView, index: number): string | null | undefined {
    for (let i = index; i >= 0; i--) {
      const e = s.history.entries[i]!;
      if (e.kind === 'tone') return undefined;
      if (e.kind === 'restore') return this.#results.get(keyframeKey(s.projectId, e));
      if (e.kind === 'open') return null;
    }
    return null;
  }

  /** Records which result picture the session shows at its cursor, for later local previews. */
  rememberResult(view: SessionView): void {
    for (let i = view.history.cursor; i >= 0; i--) {
      const e = view.history.entries[i]!;
      if (e.kind === 'restore') {
        if (view.resultBlobId) this.#results.set(keyframeKey(view.projectId, e), view.resultBlobId);
        return;
      }
    }
  }

  /**
   * The ops that rebuild the mask at the session's cursor: the strokes since the last open/clear, or
   * since a keyframe whose mask is known; otherwise the service's mask at the cursor as one image.
   */
  async maskOps(view: SessionView, mask: MaskDocument): Promise<MaskOp[]> {
    const { entries, cursor } = view.history;
    const at = entries[cursor];
    // Remember the mask of a keyframe we stand on.
    if (at && (KEYFRAME_KINDS.has(at.kind) || at.keyframe)) {
      const key = keyframeKey(view.projectId, at);
      if (!this.#keyframes.has(key)) {
        const canvas = view.maskBlobId ? await this.#tintedBlob(view.maskBlobId, mask) : null;
        if (this.#keyframes.size >= KEEP) this.#keyframes.delete(this.#keyframes.keys().next().value!);
        this.#keyframes.set(key, canvas ?? new MaskDocument(mask.width, mask.height).canvas);
      }
    }
    const plan = replayPlan(entries, cursor);
    if (plan && !plan.base) return plan.ops;
    const base = plan?.base ? this.#keyframes.get(keyframeKey(view.projectId, plan.base)) : undefined;
    if (plan && base) return [{ kind: 'detect', mask: base }, ...plan.ops];
    return view.maskBlobId ? [{ kind: 'detect', mask: await this.#tintedBlob(view.maskBlobId, mask) }] : [];
  }

  async #tintedBlob(id: string, mask: MaskDocument): Promise<HTMLCanvasElement> {
    let tinted = this.#tinted.get(id);
    if (!tinted) {
      const img = await loadImage(this.blobUrl(id));
      tinted = tintMask(img, mask.width, mask.height);
      if (this.#tinted.size >= KEEP) this.#tinted.delete(this.#tinted.keys().next().value!);
      this.#tinted.set(id, tinted);
    }
    return tinted;
  }
}
