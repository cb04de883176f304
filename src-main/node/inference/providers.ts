/**
 * Execution-provider selection with fallback. `auto` tries the accelerated providers in DESIGN.md's
 * order and keeps every failure with its reason, so `kintsugi models` and the UI can say why a model
 * runs on the CPU. Runs inside the inference worker (it creates onnxruntime sessions).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Device } from '../../core/image.js';
import { badInput } from '../../core/errors.js';
import type { ProviderChoice } from './protocol.js';

/** onnxruntime's names for our Device values. */
const ORT_NAME: Record<Exclude<Device, 'auto'>, string> = {
  cpu: 'cpu', cuda: 'cuda', dml: 'dml', coreml: 'coreml', webgpu: 'webgpu',
};

/** The providers to try for a device on a platform, in order; explicit devices fall back to the CPU. */
export function providerOrder(device: Device, platform: NodeJS.Platform = process.platform): Exclude<Device, 'auto'>[] {
  if (device === 'cpu') return ['cpu'];
  if (device !== 'auto') return [device, 'cpu'];
  if (platform === 'win32') return ['cuda', 'dml', 'webgpu', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'webgpu', 'cpu'];
  return ['cuda', 'webgpu', 'cpu'];
}

const VULKAN_LOADERS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1', '/usr/local/lib/libvulkan.so.1',
];

/** Reasons we can give without trying (and without native libraries printing warnings). */
function precheck(p: Exclude<Device, 'auto'>): string | undefined {
  const supported = ort.listSupportedBackends();
  const entry = supported.find((b) => b.name === ORT_NAME[p]);
  if (p === 'cpu') return undefined;
  if (!entry) return `not built into onnxruntime-node ${ort.env.versions.common} for ${process.platform}-${process.arch}`;
  if ((p === 'dml' && process.platform !== 'win32') || (p === 'coreml' && process.platform !== 'darwin')) {
    return `only available on ${p === 'dml' ? 'Windows' : 'macOS'}`;
  }
  if (p === 'webgpu' && process.platform === 'linux' && !VULKAN_LOADERS.some((f) => existsSync(f))) {
    return 'no Vulkan loader (libvulkan.so.1) on this machine';
  }
  return undefined;
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n').map((l) => l.trim()).find((l) => l.length > 0)?.slice(0, 300) ?? 'unknown error';
}

/** A live session and how it was chosen. */
export interface ChosenSession extends ProviderChoice {
  session: ort.InferenceSession;
}

ort.env.logLevel = 'fatal';

/**
 * Creates a session on the first provider of `device`'s order that works. A model that fails on the CPU
 * too is bad input naming the file (corrupt or uses operators onnxruntime cannot run).
 */
export async function createSession(file: string, device: Device, threads: number = availableParallelism()): Promise<ChosenSession> {
  const failures: string[] = [];
  for (const p of providerOrder(device)) {
    const skip = precheck(p);
    if (skip) {
      failures.push(`${p}: ${skip}`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(file, {
        executionProviders: [ORT_NAME[p]],
        intraOpNumThreads: Math.max(1, Math.floor(threads)),
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // The CPU arena keeps its high-water mark for the worker's life; without it every call maps and unmaps
        // its tensors (12 MP scratch scan: 5.6 -> 4.4 s wall, 2.5 -> 1.3 s system time with it). A one-photo
        // restore lets the worker go before encoding (Engine.release), so a 40 MP photo's encode does not carry it.
        enableCpuMemArena: true,
        logSeverityLevel: 4,
      });
      const why =
        failures.length > 0
          ? `${failures.join('; ')}; using ${p}`
          : device === 'auto'
            ? `${p}: first available provider (auto)`
            : `${p}: requested`;
      return { session, provider: p, reason: why };
    } catch (e) {
      if (p === 'cpu') throw badInput(file, `onnxruntime cannot load this model (${firstLine(e)})`, e);
      const notInstalled = ort.listSupportedBackends().some((b) => b.name === ORT_NAME[p] && !b.bundled);
      failures.push(`${p}: ${firstLine(e)}${notInstalled ? ' (provider libraries not installed with onnxruntime-node)' : ''}`);
    }
  }
  throw badInput(file, `no execution provider could load this model (${failures.join('; ')})`);
}
