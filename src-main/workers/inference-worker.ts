/**
 * Inference worker entry point. onnxruntime's run() blocks the thread it runs on and cannot be interrupted,
 * so sessions live here, off the caller's event loop: the caller cancels softly (checked between tiles)
 * or retires this thread for a hard stop (it exits at the next return to JavaScript). Sessions are cached.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cancelled, KintsugiError, isKintsugiError } from '../core/errors.js';
import type { Device } from '../core/image.js';
import { classicalBackend, DEFAULT_DETECT_POSTPROCESS, detectMask, effectivePostprocess, inpaintRaster } from '../node/inference/pipeline-port.js';
import { detectBackend, inpaintBackend } from '../node/inference/ort-backends.js';
import { ownBuffer, type InferenceWorkerData, type WorkerRequest, type WorkerResponse } from '../node/inference/protocol.js';
import { createSession, type ChosenSession } from '../node/inference/providers.js';
import { throttleProgress, type Step } from '../node/inference/throttle.js';
import { restoreTone } from '../node/inference/tone-backend.js';
import type { ModelSpec } from '../node/models/registry.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');

const threads = (workerData as InferenceWorkerData | null)?.threads;
const sessions = new Map<string, Promise<ChosenSession>>();
const running = new Map<string, AbortController>();

function session(model: ModelSpec, device: Device, progress?: (p: Step) => void): Promise<ChosenSession> {
  if (!model.file) throw new KintsugiError('internal', `model ${model.id} has no file`);
  const key = `${model.file}\u0000${device}`;
  let s = sessions.get(key);
  if (!s) {
    progress?.({ stage: 'load-model', done: 0, total: 1 });
    s = createSession(model.file, device, threads);
    sessions.set(key, s);
    s.catch(() => sessions.delete(key));
  }
  return s;
}

function send(msg: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

/** This job's progress, throttled to ~10 Hz before it crosses the thread boundary. */
function progressFor(id: string): (p: Step) => void {
  return throttleProgress((p) => send({ kind: 'progress', id, stage: p.stage, done: p.done, total: p.total }));
}

async function handle(req: Exclude<WorkerRequest, { kind: 'cancel' } | { kind: 'retire' }>): Promise<void> {
  const ac = new AbortController();
  running.set(req.id, ac);
  const opts = { signal: ac.signal, onProgress: progressFor(req.id) };
  try {
    if (req.kind === 'prepare') {
      if (req.model.format === 'classical') {
        send({ kind: 'done', id: req.id, value: { provider: 'cpu', reason: 'classical fill runs in JavaScript on the CPU' } });
        return;
      }
      const s = await session(req.model, req.device);
      send({ kind: 'done', id: req.id, value: { provider: s.provider, reason: s.reason } });
    } else if (req.kind === 'restore') {
      let provider = 'cpu';
      let backend;
      if (req.model.format === 'classical') backend = classicalBackend();
      else {
        const s = await session(req.model, req.device, opts.onProgress);
        provider = s.provider;
        backend = inpaintBackend(s.session, req.model);
      }
      const image = await inpaintRaster(req.image, req.mask, backend, { ...opts, grow: req.grow, detail: req.detail, haloGuard: req.haloGuard });
      const buf = ownBuffer(image.data);
      send({ kind: 'done', id: req.id, value: { image, provider } }, buf ? [buf] : []);
    } else if (req.kind === 'tone') {
      const s = await session(req.model, req.device, opts.onProgress);
      opts.onProgress({ stage: 'tone', done: 0, total: 1 });
      if (opts.signal.aborted) throw cancelled();
      const r = await restoreTone(s.session, req.model, req.image, { strength: req.strength, keepSepia: req.keepSepia });
      opts.onProgress({ stage: 'tone', done: 1, total: 1 });
      const buf = ownBuffer(r.image.data);
      send({ kind: 'done', id: req.id, value: { image: r.image, provider: s.provider, params: r.params, isMono: r.isMono } }, buf ? [buf] : []);
    } else {
      const s = await session(req.model, req.device, opts.onProgress);
      const pp = effectivePostprocess(req.model.postprocess ?? DEFAULT_DETECT_POSTPROCESS, {
        ...(req.threshold !== undefined ? { threshold: req.threshold } : {}),
        ...(req.unattended ? { unattended: true } : {}),
      });
      const mask = await detectMask(req.image, detectBackend(s.session, req.model), pp, {
        ...opts, ...(req.suggest ? { suggest: true } : {}), ...(req.areas ? { areas: true } : {}),
      });
      const { suggested, areas } = mask;
      const bufs = [mask.data, suggested?.data, areas?.data].map((d) => (d ? ownBuffer(d) : undefined)).filter((b): b is ArrayBuffer => !!b);
      const left = mask.areasLeft !== undefined ? { areasLeft: mask.areasLeft } : {};
      const more = {
        ...(suggested ? { suggested: { width: suggested.width, height: suggested.height, data: suggested.data } } : {}),
        ...(areas ? { areas: { width: areas.width, height: areas.height, data: areas.data } } : {}),
      };
      send({ kind: 'done', id: req.id, value: { mask: { width: mask.width, height: mask.height, data: mask.data }, provider: s.provider, ...left, ...more } }, bufs);
    }
  } catch (e) {
    // Internal errors carry their stack only on request (KINTSUGI_DEBUG=1): messages reach people.
    const detail = process.env.KINTSUGI_DEBUG && e instanceof Error ? `\n${e.stack ?? ''}` : '';
    const err = isKintsugiError(e)
      ? e.toJSON()
      : { code: 'internal' as const, message: `inference failed: ${e instanceof Error ? e.message : String(e)}${detail}` };
    send({ kind: 'failed', id: req.id, error: err });
  } finally {
    running.delete(req.id);
  }
}

port.on('message', (req: WorkerRequest) => {
  if (req.kind === 'retire') {
    // We are in JavaScript here, so no onnxruntime call is in progress: leaving now is safe.
    for (const ac of running.values()) ac.abort();
    process.exit(0);
  }
  if (req.kind === 'cancel') {
    running.get(req.id)?.abort();
    return;
  }
  void handle(req);
});
