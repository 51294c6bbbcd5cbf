/**
 * The CPU time of the calling thread, for the scripts that measure (benchmarks, the fuzz campaign's hang detector).
 */
import * as fs from 'node:fs';

/**
 * The CPU time this thread has used, in ms, where Linux tells it (/proc/thread-self/stat, read synchronously on this
 * thread; 10 ms ticks); `undefined` elsewhere. Unlike wall time, it does not count the time a thread on a busy machine
 * waits for a core.
 */
export function threadCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the file; fields[0] is field 3 (the state).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
