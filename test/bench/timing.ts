/** Timing shared by the benchmarks. */

/** Median wall time in seconds of `runs` calls of `fn`, after one warm-up call (sessions created, code compiled). */
export async function median(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / 1000);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
}
