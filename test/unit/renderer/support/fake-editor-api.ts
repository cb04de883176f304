/**
 * A scripted stand-in for the app API, run in the page next to the real EditorState: it keeps a small
 * history the way the service does (entries, cursor, redo branch dropped on append), logs every call,
 * can hold an answer back (to see what the editor shows before the service replies) or fail one, and
 * pushes events. Blob ids resolve to data URLs drawn on a canvas.
 */
import type { AppEvent, HistoryEntryView, JobKind, ModelView, SessionView, StrokeCommand, ToneView } from '@core/api/contract.js';
import type { EditorApi } from '../../../../src-renderer/lib/editor-api.js';

/** The fake and the handles a test drives it with. */
export interface FakeApi {
  api: EditorApi;
  /** Every call as `domain.verb` with its argument. */
  calls: Array<[string, unknown]>;
  /** The next call of `name` waits until the returned function is called. */
  hold(name: string): () => void;
  /** The next call of `name` fails with this error. */
  fail(name: string, error: { code: string; message: string }): void;
  /** Pushes an event to the editor's subscription. */
  emit(e: AppEvent): void;
  /** Sets what the next detect job finds (hole pixels; 0 = nothing). */
  detectFinds(holes: number): void;
  /** The service's view now. */
  view(): SessionView | null;
}

const W = 64;
const H = 48;

function dataUrl(paint: (ctx: CanvasRenderingContext2D) => void): string {
  const c = document.createElement('canvas');
  c.width = W;
  c.height = H;
  paint(c.getContext('2d')!);
  return c.toDataURL('image/png');
}

/** Builds the fake with the given models. */
export function createFakeApi(models: ModelView[]): FakeApi {
  const calls: Array<[string, unknown]> = [];
  const held = new Map<string, Promise<void>>();
  const failing = new Map<string, { code: string; message: string }>();
  const listeners = new Set<(e: AppEvent) => void>();
  const blobs: Record<string, string> = {
    original: dataUrl((ctx) => {
      ctx.fillStyle = '#888';
      ctx.fillRect(0, 0, W, H);
    }),
    // A detector proposal: the left quarter is damage (white on black).
    'mask-left': dataUrl((ctx) => {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, W, H);
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, W / 4, H);
    }),
  };
  let entries: HistoryEntryView[] = [];
  let cursor = -1;
  let isOpen = false;
  let detectHoles = (W / 4) * H;
  let clock = 0;
  /** The job started last (job.wait records its step). */
  let started: { kind: JobKind; args: Record<string, unknown> } | null = null;
  /** The tone each tone step left (by createdAt; null: off). */
  const tones = new Map<number, ToneView | null>();

  const entry = (kind: HistoryEntryView['kind'], stroke?: StrokeCommand): HistoryEntryView => ({
    index: 0,
    kind,
    label: kind,
    ...(stroke ? { stroke } : {}),
    ...(kind === 'detect' ? { keyframe: true } : {}),
    createdAt: ++clock,
  });
  const push = (e: HistoryEntryView): void => {
    entries = [...entries.slice(0, cursor + 1), e].map((x, i) => ({ ...x, index: i }));
    cursor = entries.length - 1;
  };
  const view = (): SessionView | null => {
    if (!isOpen) return null;
    const detectAt = entries.slice(0, cursor + 1).map((e) => e.kind).lastIndexOf('detect');
    const toneAt = entries.slice(0, cursor + 1).map((e) => e.kind).lastIndexOf('tone');
    return {
      sessionId: 's1',
      projectId: 'p1',
      projectName: 'grandma',
      photo: { name: 'grandma.png', width: W, height: H, channels: 3, depth: 8, format: 'png', hasAlpha: false },
      originalBlobId: 'original',
      resultBlobId: null,
      maskBlobId: detectAt >= 0 && detectHoles > 0 ? 'mask-left' : null,
      holePixels: detectAt >= 0 ? detectHoles : 0,
      history: { entries, cursor, canUndo: cursor > 0, canRedo: cursor < entries.length - 1 },
      tone: toneAt >= 0 ? (tones.get(entries[toneAt]!.createdAt) ?? null) : null,
    };
  };
  const call = async <T>(name: string, args: unknown, answer: () => T): Promise<T> => {
    calls.push([name, args]);
    const wait = held.get(name);
    if (wait) {
      held.delete(name);
      await wait;
    }
    const err = failing.get(name);
    if (err) {
      failing.delete(name);
      throw Object.assign(new Error(err.message), { code: err.code });
    }
    return answer();
  };

  const api = {
    host: 'web',
    subscribe(listener: (e: AppEvent) => void, signal: AbortSignal): void {
      listeners.add(listener);
      signal.addEventListener('abort', () => listeners.delete(listener), { once: true });
    },
    upload: (_file: Blob, name: string) => call('upload', name, () => 'u1'),
    blobUrl: (id: string) => blobs[id] ?? `data:,missing-${id}`,
    download: () => undefined,
    session: { current: (a: unknown) => call('session.current', a, view) },
    project: {
      list: (a: unknown) => call('project.list', a, () => []),
      open: (a: unknown) => call('project.open', a, view),
      save: (a: unknown) => call('project.save', a, () => ({ name: 'grandma' })),
    },
    photo: {
      open: (a: unknown) =>
        call('photo.open', a, () => {
          isOpen = true;
          entries = [];
          cursor = -1;
          push(entry('open'));
          return view()!;
        }),
      openDialog: (a: unknown) => call('photo.openDialog', a, () => null),
    },
    models: { list: (a: unknown) => call('models.list', a, () => models) },
    history: {
      append: (a: { command: StrokeCommand | { kind: 'clear' } }) =>
        call('history.append', a, () => {
          push(a.command.kind === 'stroke' ? entry('stroke', a.command) : entry('clear'));
          return view()!;
        }),
      undo: (a: unknown) => call('history.undo', a, () => ((cursor = Math.max(0, cursor - 1)), view()!)),
      redo: (a: unknown) => call('history.redo', a, () => ((cursor = Math.min(entries.length - 1, cursor + 1)), view()!)),
      jumpTo: (a: { index: number }) => call('history.jumpTo', a, () => ((cursor = a.index), view()!)),
    },
    mask: { detect: (a: Record<string, unknown>) => call('mask.detect', a, () => ((started = { kind: 'detect', args: a }), { jobId: 'j1', kind: 'detect' })) },
    restore: { run: (a: Record<string, unknown>) => call('restore.run', a, () => ((started = { kind: 'restore', args: a }), { jobId: 'j2', kind: 'restore' })) },
    tone: { run: (a: Record<string, unknown>) => call('tone.run', a, () => ((started = { kind: 'tone', args: a }), { jobId: 'j3', kind: 'tone' })) },
    job: {
      wait: (a: unknown) =>
        call('job.wait', a, () => {
          const job = started;
          if (job?.kind === 'tone') {
            const e = entry('tone');
            const t = job.args as { enabled: boolean; strength: number; keepSepia: boolean };
            tones.set(e.createdAt, t.enabled ? { strength: t.strength, keepSepia: t.keepSepia, modelId: 'tone-net', isMono: false, baseBlobId: null, fullBlobId: 'original' } : null);
            push(e);
          } else push(entry(job?.kind ?? 'detect'));
          return view()!;
        }),
      cancel: (a: unknown) => call('job.cancel', a, () => ({ cancelled: true })),
    },
  };

  return {
    api: api as unknown as EditorApi,
    calls,
    hold(name) {
      let release!: () => void;
      held.set(name, new Promise<void>((r) => (release = r)));
      return () => release();
    },
    fail(name, error) {
      failing.set(name, error);
    },
    emit(e) {
      for (const l of [...listeners]) l(e);
    },
    detectFinds(holes) {
      detectHoles = holes;
    },
    view,
  };
}
