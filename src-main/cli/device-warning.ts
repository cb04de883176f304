/**
 * `--device cuda` (or dml, coreml, webgpu) on a machine without that accelerator still runs, on the next
 * provider that works (usually the CPU); people asked for something specific, so stderr says where the
 * work ran instead and why, once per model.
 */
import type { Device } from '../core/image.js';

/** One model run and the provider it ran on. */
export interface ProviderUse {
  modelId: string;
  provider: string;
}

/** Something that can say why a model runs where it does for a device (Engine satisfies it). */
export interface ProviderExplainer {
  listModels(opts: { resolveProviders?: boolean; device?: Device }): Promise<Array<{ id: string; providerReason?: string }>>;
}

/** The runs that did not get the device asked for (none for `auto` or no --device). */
export function fellBack(device: Device | undefined, runs: ProviderUse[]): ProviderUse[] {
  if (device === undefined || device === 'auto') return [];
  const seen = new Set<string>();
  return runs.filter((r) => {
    if (r.provider === 'none' || r.provider === device || seen.has(r.modelId)) return false;
    seen.add(r.modelId);
    return true;
  });
}

/** Writes one stderr line per model that ran elsewhere than `--device` asked, with the reason when known. */
export async function warnDeviceFallback(device: Device | undefined, runs: ProviderUse[], explainer?: ProviderExplainer): Promise<void> {
  const missed = fellBack(device, runs);
  if (missed.length === 0) return;
  const reasons = new Map<string, string>();
  if (explainer) {
    try {
      for (const m of await explainer.listModels({ resolveProviders: true, device })) {
        if (m.providerReason) reasons.set(m.id, m.providerReason);
      }
    } catch {
      // the warning still goes out, without the reason
    }
  }
  for (const r of missed) {
    const why = reasons.get(r.modelId);
    process.stderr.write(`kintsugi: warning: --device ${device} is not available for ${r.modelId}; it ran on ${r.provider}${why ? ` (${why})` : ''}\n`);
  }
}
