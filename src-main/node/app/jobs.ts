/**
 * Detect, restore and tone jobs on the open photo: one at a time, each with an id, progress events,
 * cancel between tiles and a history step when it ends. `app:job.wait` gets the outcome even a while after
 * the job ended.
 */
import { randomUUID } from 'node:crypto';
import type { JobKind, JobStarted, ParsedArgsOf, SessionView } from '../../core/api/contract.js';
import { toFailure } from '../../core/api/wire.js';
import { badInput, cancelled, isKintsugiError, KintsugiError } from '../../core/errors.js';
import type { Raster } from '../../core/image.js';
import type { DetectOptions, Engine, JobOptions, RestoreOptions } from '../engine.js';
import type { AppContext, HandlersFor } from './context.js';
import type { ToneOutput } from './session.js';

interface Job {
  id: string;
  kind: JobKind;
  controller: AbortController;
  done: Promise<SessionView>;
}

/** What a job takes: the union of detect, restore and tone's arguments. */
type JobArgs = Partial<ParsedArgsOf<'app:mask.detect'> & ParsedArgsOf<'app:restore.run'> & ParsedArgsOf<'app:tone.run'>>;

/** The tone a job asks for: its settings and model (undefined: the default restore-tone model). */
interface ToneRequest {
  strength: number;
  keepSepia: boolean;
  modelId?: string | undefined;
}

/** How long a finished job's outcome stays available to `app:job.wait`. */
const KEEP_FINISHED_MS = 10 * 60_000;

/** The jobs of one backend. */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private active: Job | null = null;

  constructor(private readonly ctx: AppContext) {}

  /** Starts a job on the open photo; refused while another runs, or a restore with an empty mask. */
  start(kind: JobKind, args: JobArgs): JobStarted {
    const { ctx } = this;
    const s = ctx.requireSession();
    ctx.requireIdle();
    if (kind === 'restore' && s.holePixels === 0) {
      throw badInput(undefined, 'the mask is empty: paint over the damage or run Detect damage first');
    }
    const id = `j${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const controller = new AbortController();
    const emitState = (state: 'running' | 'done' | 'failed' | 'cancelled', error?: { code: KintsugiError['code']; message: string }) =>
      ctx.events.emit({ type: 'job', jobId: id, kind, state, ...(error ? { error } : {}) });
    const jobOpts: DetectOptions & RestoreOptions = {
      signal: controller.signal,
      onProgress: (p) => ctx.events.emit({ type: 'progress', jobId: id, stage: p.stage, done: p.done, total: p.total }),
      ...(args.modelId !== undefined ? { modelId: args.modelId } : {}),
      ...(args.device !== undefined ? { device: args.device } : {}),
      ...(kind === 'detect' && args.threshold !== undefined ? { threshold: args.threshold } : {}),
      // A person reviews the editor's proposal: it comes with what it left out, to add or ignore.
      ...(kind === 'detect' ? { suggest: true } : {}),
      ...(kind === 'restore' && args.grow ? { grow: args.grow } : {}),
    };
    const toneOpts: JobOptions = { signal: controller.signal, ...(args.device !== undefined ? { device: args.device } : {}) };
    const what = kind === 'detect' ? 'Detection' : kind === 'tone' ? 'Fix fading and colour' : 'Restore';
    const run = async (): Promise<SessionView> => {
      emitState('running');
      ctx.events.emit({ type: 'progress', jobId: id, stage: kind === 'detect' ? 'detecting' : kind === 'tone' ? 'fixing colour' : 'restoring', done: 0, total: 1 });
      const engine = await ctx.getEngine();
      const image = await s.workingImage();
      if (controller.signal.aborted) throw cancelled(what);
      if (kind === 'detect') {
        const r = await engine.detect(image, jobOpts);
        if (controller.signal.aborted) throw cancelled('Detection');
        await ctx.serial(() => s.commitDetect(r.mask, r.modelId, r.provider, args.mode ?? 'add', r.suggested));
      } else if (kind === 'tone') {
        const t = args.enabled === false ? null : await runTone(engine, image, { strength: args.strength ?? 1, keepSepia: !!args.keepSepia, modelId: args.modelId }, toneOpts);
        if (controller.signal.aborted) throw cancelled(what);
        await ctx.serial(() => s.commitTone(t?.out ?? null, t?.provider));
      } else {
        const r = await engine.restore(image, s.engineMask(), jobOpts);
        if (controller.signal.aborted) throw cancelled('Restore');
        // With the tone on, it is re-applied to the new repair: the tone is a layer over the repairs.
        const tone = s.toneSettings;
        const toned = tone ? (await runTone(engine, r.image, { strength: tone.strength, keepSepia: tone.keepSepia, modelId: tone.modelId }, toneOpts)).out : undefined;
        if (controller.signal.aborted) throw cancelled('Restore');
        await ctx.serial(() => s.commitRestore(r.image, r.modelId, r.provider, toned));
      }
      ctx.events.emit({ type: 'progress', jobId: id, stage: 'done', done: 1, total: 1 });
      return s.view();
    };
    const done = run().then(
      (v) => {
        emitState('done');
        return v;
      },
      (e: unknown) => {
        const f = toFailure(controller.signal.aborted && !(isKintsugiError(e) && e.code === 'cancelled') ? cancelled() : e);
        emitState(f.error.code === 'cancelled' ? 'cancelled' : 'failed', f.error);
        throw isKintsugiError(e) ? e : new KintsugiError(f.error.code, f.error.message);
      },
    );
    const job: Job = { id, kind, controller, done };
    this.jobs.set(id, job);
    this.active = job;
    ctx.activeJob = job;
    done
      .catch(() => undefined)
      .finally(() => {
        if (this.active === job) {
          this.active = null;
          ctx.activeJob = null;
        }
        // Keep finished jobs a while so a late job.wait still gets the outcome.
        setTimeout(() => this.jobs.delete(id), KEEP_FINISHED_MS).unref();
      });
    return { jobId: id, kind };
  }

  /** The session after a job's history step, or its error. */
  wait(jobId: string): Promise<SessionView> {
    const j = this.jobs.get(jobId);
    if (!j) throw badInput(undefined, `no job ${jobId}`);
    return j.done;
  }

  /** Cancels the running job; false when it is not the one running (ended, or unknown). */
  cancel(jobId: string): { cancelled: boolean } {
    const j = this.jobs.get(jobId);
    if (!j || this.active !== j) return { cancelled: false };
    j.controller.abort();
    return { cancelled: true };
  }

  /** Cancels every job and waits until each has ended. */
  async close(): Promise<void> {
    for (const j of this.jobs.values()) j.controller.abort();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.done));
  }
}

/**
 * Runs the tone model on `image`: the full correction (what the editor blends in for its live preview) and the
 * result at the requested strength (what is shown and exported; the same arithmetic as `kintsugi restore --tone`).
 */
async function runTone(engine: Engine, image: Raster, t: ToneRequest, opts: JobOptions): Promise<{ out: ToneOutput; provider: string }> {
  const common = { ...opts, keepSepia: t.keepSepia, ...(t.modelId !== undefined ? { modelId: t.modelId } : {}) };
  const full = await engine.tone(image, { ...common, strength: 1 });
  const at = t.strength === 1 ? full : await engine.tone(image, { ...common, strength: t.strength });
  return {
    out: { strength: t.strength, keepSepia: t.keepSepia, modelId: full.modelId, isMono: full.isMono, full: full.image, result: at.image },
    provider: full.provider,
  };
}

/** The job channels. */
export function jobHandlers(ctx: AppContext, jobs: JobRunner): HandlersFor<'app:mask.detect' | 'app:restore.run' | 'app:tone.run' | 'app:job.wait' | 'app:job.cancel'> {
  return {
    'app:mask.detect': (a) => ctx.serial(async () => jobs.start('detect', a)),
    'app:restore.run': (a) => ctx.serial(async () => jobs.start('restore', a)),
    'app:tone.run': (a) => ctx.serial(async () => jobs.start('tone', a)),
    'app:job.wait': async (a) => jobs.wait(a.jobId),
    'app:job.cancel': async (a) => jobs.cancel(a.jobId),
  };
}
