/** What else ran on this machine during a benchmark, for its header (ratios are fair only on an idle machine). */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Training scripts (models/training/train_*.py) running now; stopped ones (SIGSTOP, state T) do not count. */
function runningTraining(): string[] {
  const found: string[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return found; // not Linux: nothing to say
  }
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const script = cmd.find((a) => /train_\w+\.py$/.test(a));
      if (!script) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'T' && state !== 't') found.push(script.split('/').pop()!);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** e.g. "2 CPU cores, nothing else running" or "2 CPU cores, shared with train_detector.py". */
export function hostNote(): string {
  const training = runningTraining();
  const cores = `${cpus().length} CPU cores`;
  return training.length > 0 ? `${cores}, shared with ${[...new Set(training)].join(', ')}` : `${cores}, no training running`;
}
