/**
 * The editor's state (src-renderer/state/editor.svelte.ts, compiled by the real Svelte compiler) against a
 * scripted API in Chromium, with a real mask canvas: what it asks the service, what it shows before the
 * service answers (undo previews locally), and how it recovers when the service refuses something.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelView } from '../../../../src-main/core/api/contract.js';
import type { EditorState } from '../../../../src-renderer/state/editor.svelte.js';
import type { StrokeOp } from '../../../../src-renderer/lib/tools/mask-ops.js';
import type { createFakeApi } from '../support/fake-editor-api.js';
import { openModulePage, type ModulePage } from '../support/in-chromium.js';

type Mod = { EditorState: typeof EditorState; createFakeApi: typeof createFakeApi };

let page: ModulePage;

beforeAll(async () => {
  page = await openModulePage(
    `export { EditorState } from './src-renderer/state/editor.svelte.ts';
     export { createFakeApi } from './test/unit/renderer/support/fake-editor-api.ts';`,
    resolve(__dirname, '../../../..'),
  );
});
afterAll(async () => {
  await page?.close();
});

/** What a test body gets in the page besides the modules. */
interface PageKit {
  models: ModelView[];
  /** Lets queued work (the editor's serial queue, held answers) finish. */
  idle(): Promise<void>;
  /** Mask pixels that count as hole. */
  covered(ed: EditorState): number;
  /** A fake API and an editor on it, initialised, with a 64×48 photo open. */
  opened(): Promise<{ fake: ReturnType<typeof createFakeApi>; ed: EditorState }>;
  /** Paints the test stroke as the canvas tools do and commits it. */
  paint(ed: EditorState): void;
}

/** Runs `body` in the page with the modules and a {@link PageKit}. */
function inPage<R>(body: (m: Mod, kit: PageKit) => Promise<R>): Promise<R> {
  return page.run(
    (mod, a: { src: string; models: ModelView[]; stroke: StrokeOp }) => {
      const m = mod as unknown as Mod;
      const idle = async (): Promise<void> => {
        for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
      };
      const kit: PageKit = {
        models: a.models,
        idle,
        covered: (ed) => {
          const d = ed.mask!.ctx.getImageData(0, 0, ed.mask!.width, ed.mask!.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i]! > 127) n++;
          return n;
        },
        opened: async () => {
          const fake = m.createFakeApi(a.models);
          const ed = new m.EditorState(fake.api);
          await ed.init();
          await ed.openFileId('f1');
          return { fake, ed };
        },
        paint: (ed) => {
          ed.mask!.rebuild([a.stroke]); // what the canvas tools paint live before committing
          ed.commitStroke({ ...a.stroke, points: [...a.stroke.points] });
        },
      };
      return (new Function('m', 'kit', `return (${a.src})(m, kit);`) as (...x: unknown[]) => Promise<R>)(m, kit);
    },
    { src: body.toString(), models: MODELS, stroke: STROKE },
  );
}

const MODELS: ModelView[] = [
  { id: 'classical', name: 'Classical', task: 'inpaint', family: 'telea', bytes: 0, source: 'builtin', format: 'classical', isDefault: false },
  { id: 'gated', name: 'Gated', task: 'inpaint', family: 'gated-conv', bytes: 1, source: 'bundled', format: 'native', isDefault: true },
  { id: 'unet', name: 'U-Net', task: 'detect-damage', family: 'unet', bytes: 1, source: 'bundled', format: 'native', isDefault: false, threshold: 0.65 },
  { id: 'tone-net', name: 'Tone', task: 'restore-tone', family: 'tone', bytes: 1, source: 'bundled', format: 'native', isDefault: true },
];
const STROKE: StrokeOp = { kind: 'stroke', tool: 'brush', size: 8, hardness: 1, points: [4, 10, 60, 10] };

describe('EditorState', () => {
  it('starts on the recent projects, picks the default models, and opens a photo by id', async () => {
    const r = await inPage(async (m, kit) => {
      const fake = m.createFakeApi(kit.models);
      const ed = new m.EditorState(fake.api);
      await ed.init();
      await kit.idle();
      const before = { session: ed.session, inpaint: ed.picker.inpaintModelId, detect: ed.picker.detectModelId, threshold: ed.picker.detectThresholdShown };
      await ed.openFileId('f123');
      return {
        before,
        calls: fake.calls.map(([n]) => n),
        modelAsks: fake.calls.filter(([n]) => n === 'models.list').map(([, a]) => a),
        opened: fake.calls.find(([n]) => n === 'photo.open')?.[1],
        mask: [ed.mask?.width, ed.mask?.height],
        cursor: ed.session?.history.cursor,
        canUndo: ed.canUndo,
      };
    });
    expect(r.before).toEqual({ session: null, inpaint: 'gated', detect: 'unet', threshold: 0.65 });
    expect(r.calls).toEqual(expect.arrayContaining(['session.current', 'models.list', 'project.list']));
    // The list first, then again with providers resolved (that loads sessions, so it comes second).
    expect(r.modelAsks).toEqual([{ resolveProviders: false }, { resolveProviders: true, device: 'auto' }]);
    expect(r.opened).toEqual({ source: { kind: 'file', fileId: 'f123' } });
    expect(r.mask).toEqual([64, 48]);
    expect(r.cursor).toBe(0);
    expect(r.canUndo).toBe(false);
  });

  it('a painted stroke becomes one history step; undo shows the mask before it at once, before the service answers', async () => {
    const r = await inPage(async (_m, kit) => {
      const { fake, ed } = await kit.opened();
      kit.paint(ed);
      await kit.idle();
      const painted = kit.covered(ed);
      const appended = fake.calls.find(([n]) => n === 'history.append')?.[1];
      const release = fake.hold('history.undo');
      ed.undo();
      const preview = { cursor: ed.session!.history.cursor, covered: kit.covered(ed), canRedo: ed.session!.history.canRedo };
      release();
      await kit.idle();
      return { painted, appended, preview, after: { cursor: ed.session!.history.cursor, covered: kit.covered(ed) }, error: ed.error };
    });
    expect(r.appended).toEqual({ command: { kind: 'stroke', tool: 'brush', points: STROKE.points, size: 8, hardness: 1 } });
    expect(r.painted).toBeGreaterThan(300);
    expect(r.preview).toEqual({ cursor: 0, covered: 0, canRedo: true });
    expect(r.after).toEqual({ cursor: 0, covered: 0 });
    expect(r.error).toBeNull();
  });

  it('when the service refuses an edit, it says why and shows the service\'s mask again', async () => {
    const r = await inPage(async (_m, kit) => {
      const { fake, ed } = await kit.opened();
      fake.fail('history.append', { code: 'bad-input', message: 'wait for the running detect to finish, or cancel it' });
      kit.paint(ed);
      await kit.idle();
      return { error: ed.error, covered: kit.covered(ed), entries: ed.session!.history.entries.length };
    });
    expect(r.error).toBe('wait for the running detect to finish, or cancel it');
    expect(r.covered).toBe(0);
    expect(r.entries).toBe(1);
  });

  it('a detect job follows its progress, and its proposal becomes the mask; finding nothing says so', async () => {
    const r = await inPage(async (_m, kit) => {
      const { fake, ed } = await kit.opened();
      ed.picker.detectThreshold = 0.4;
      const release = fake.hold('job.wait');
      const running = ed.detect();
      await kit.idle();
      fake.emit({ type: 'progress', jobId: 'j1', stage: 'detecting', done: 3, total: 8 });
      const during = { job: ed.job ? { ...ed.job } : null, canUndo: ed.canUndo };
      release();
      await running;
      const found = { covered: kit.covered(ed), notice: ed.notice, job: ed.job, asked: fake.calls.find(([n]) => n === 'mask.detect')?.[1] };
      fake.detectFinds(0);
      await ed.detect();
      return { during, found, nothing: { notice: ed.notice } };
    });
    expect(r.during).toEqual({ job: { kind: 'detect', jobId: 'j1', stage: 'detecting', done: 3, total: 8 }, canUndo: false });
    expect(r.found.asked).toEqual({ modelId: 'unet', device: 'auto', mode: 'add', threshold: 0.4 });
    expect(r.found.covered).toBe(16 * 48);
    expect(r.found.job).toBeNull();
    expect(r.found.notice).toBe('Detection marked 768 px.');
    expect(r.nothing.notice).toBe('No damage found — paint the mask by hand.');
  });

  it('Fix fading and colour: each committed change is one tone step; moving the slider only previews', async () => {
    const r = await inPage(async (_m, kit) => {
      const { fake, ed } = await kit.opened();
      const asks = () => fake.calls.filter(([n]) => n === 'tone.run').map(([, a]) => a);
      await ed.tone.set(true);
      const on = { isOn: ed.tone.isOn, base: ed.tone.baseUrl === fake.api.blobUrl('original'), shown: ed.tone.shownStrength };
      ed.tone.previewStrength(0.4);
      const previewing = { preview: ed.tone.preview, shown: ed.tone.shownStrength, asked: asks().length };
      await ed.tone.commitStrength(0.4);
      const committed = { preview: ed.tone.preview, strength: ed.session!.tone?.strength, asked: asks().length };
      await ed.tone.commitStrength(0.4); // the step's own strength: nothing to record
      const same = asks().length;
      await ed.tone.set(false);
      return { on, previewing, committed, same, off: ed.tone.isOn, asks: asks(), kinds: ed.session!.history.entries.map((e) => e.kind) };
    });
    expect(r.on).toEqual({ isOn: true, base: true, shown: 1 });
    expect(r.previewing).toEqual({ preview: 0.4, shown: 0.4, asked: 1 });
    expect(r.committed).toEqual({ preview: null, strength: 0.4, asked: 2 });
    expect(r.same).toBe(2);
    expect(r.off).toBe(false);
    expect(r.asks).toEqual([
      { device: 'auto', enabled: true, strength: 1, keepSepia: false, modelId: 'tone-net' },
      { device: 'auto', enabled: true, strength: 0.4, keepSepia: false, modelId: 'tone-net' },
      { device: 'auto', enabled: false, strength: 0.4, keepSepia: false, modelId: 'tone-net' },
    ]);
    expect(r.kinds).toEqual(['open', 'tone', 'tone', 'tone']);
  });

  it('clamps the brush and Grow mask controls', async () => {
    const r = await inPage(async (m, kit) => {
      const ed = new m.EditorState(m.createFakeApi(kit.models).api);
      const out: number[] = [];
      for (const px of [0, 12.4, 9999]) {
        ed.tools.setBrushSize(px);
        out.push(ed.tools.brushSize);
      }
      for (const v of ['-3', '2.6', 'abc', 9999]) {
        ed.setGrowMask(v);
        out.push(ed.growMask);
      }
      return out;
    });
    expect(r).toEqual([1, 12, 400, 0, 3, 0, 64]);
  });
});
