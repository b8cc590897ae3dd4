/**
 * Peak resident set size of this process. From VmHWM in /proc/self/status, not getrusage's
 * ru_maxrss (`process.resourceUsage().maxRSS`): Linux carries the peak RSS of the memory a process
 * replaced with exec(2) into ru_maxrss, so a child spawned by a large parent (the runner, under tsx)
 * would report at least the parent's peak. VmHWM belongs to the current address space alone.
 */
import fs from 'node:fs';

/** Peak RSS of this process in KiB (VmHWM). */
export function peakRssKiB(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error('no VmHWM in /proc/self/status');
  return Number(m[1]);
}
