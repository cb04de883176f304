/**
 * Real small file systems for fault tests: a tmpfs of a few hundred kilobytes fills up for real (ENOSPC),
 * and one remounted read-only refuses writes for real (EROFS). Mounting needs root (CAP_SYS_ADMIN);
 * elsewhere `mountTmpfs` says why it cannot, and the tests that need it skip with that reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

/** A mounted tmpfs; `unmount` is safe to call twice. */
export interface Tmpfs {
  dir: string;
  /** Changes the size (e.g. to make room after a disk-full test). */
  resize(bytes: number): void;
  /** Makes it read-only (or writable again). */
  setReadOnly(readOnly: boolean): void;
  unmount(): void;
}

/** Mounts a tmpfs of `bytes` at `dir`, or returns the reason it cannot here. */
export function mountTmpfs(dir: string, bytes: number): Tmpfs | { reason: string } {
  if (process.platform !== 'linux') return { reason: `tmpfs mounts are a Linux feature (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { reason: 'mounting a tmpfs needs root; run the tests as root (as CI does) to cover a real full disk' };
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    return { reason: `mount -t tmpfs failed here (${String((e as { stderr?: Buffer }).stderr ?? e).trim()})` };
  }
  let mounted = true;
  return {
    dir,
    resize: (n) => execFileSync('mount', ['-o', `remount,size=${n}`, dir], { stdio: 'pipe' }),
    setReadOnly: (ro) => execFileSync('mount', ['-o', `remount,${ro ? 'ro' : 'rw'}`, dir], { stdio: 'pipe' }),
    unmount: () => {
      if (!mounted) return;
      mounted = false;
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Narrowing helper. */
export function isMounted(t: Tmpfs | { reason: string }): t is Tmpfs {
  return 'dir' in t;
}
