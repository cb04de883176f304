/**
 * The one progress throttle (the inference worker's per job, and the app's event hub's per job): a
 * 4000-tile job must not flood the caller (and the UI behind it) with messages. At most one event per
 * interval, but a new stage and the final step always pass.
 */

/** One progress step as the pipeline reports it. */
export interface Step {
  stage: string;
  done: number;
  total: number;
}

/** Wraps `emit` so it fires at most every `intervalMs` (≈10 Hz by default); `now` is injectable for tests. */
export function throttleProgress<S extends Step>(emit: (s: S) => void, intervalMs = 100, now: () => number = Date.now): (s: S) => void {
  let last = -Infinity;
  let lastStage: string | undefined;
  return (s) => {
    const t = now();
    if (t - last < intervalMs && s.stage === lastStage && s.done < s.total) return;
    last = t;
    lastStage = s.stage;
    emit(s);
  };
}
